package dev.cutover.provisioner.azure.scaleset;

import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.provisioner.azure.ArmException;
import dev.cutover.provisioner.azure.ArmFailures;

import java.time.Duration;

/**
 * The scale-set provider's failures, as the azure provider classifies them ({@link ArmFailures}: ARM's 4xx
 * CONFIGURATION; 409 / 429 / 5xx and a failed operation INFRASTRUCTURE; no answer NETWORK; not done in time TIMEOUT),
 * plus what the provider finds wrong itself. Every reason names the operation and the resource.
 */
final class ScaleSetFailure {

    private ScaleSetFailure() {
    }

    /** {@code e} thrown by the SDK while doing {@code operation} on {@code resource}. */
    static ArmException of(String operation, String resource, RuntimeException e) {
        return ArmFailures.classify(operation + " of " + resource, e);
    }

    static ArmException timeout(String operation, String resource, Duration after) {
        return new ArmException(operation + " of " + resource + ": still running after " + after.toSeconds() + " s",
                null, FailureCause.TIMEOUT, null, null);
    }

    /** The target's configuration or its resources are not what the provider needs. */
    static ArmException misconfigured(String reason) {
        return new ArmException(reason, null, FailureCause.CONFIGURATION, null, null);
    }

    /** ARM accepted the calls, but the result is not what was asked. */
    static ArmException infrastructure(String reason) {
        return new ArmException(reason, null, FailureCause.INFRASTRUCTURE, null, null);
    }
}
