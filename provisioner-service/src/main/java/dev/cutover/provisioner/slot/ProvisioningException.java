package dev.cutover.provisioner.slot;

import dev.cutover.events.ProvisionerEvent.FailureCause;

/**
 * An operation that could not be done; the message is the reason published in ProvisioningFailed, {@link #cause()}
 * its kind. Infrastructure by default; an I/O failure underneath makes it a network failure.
 */
public class ProvisioningException extends Exception {

    private final FailureCause kind;

    public ProvisioningException(String reason) {
        this(reason, null, FailureCause.INFRASTRUCTURE);
    }

    public ProvisioningException(String reason, Throwable cause) {
        this(reason, cause, cause instanceof java.io.IOException ? FailureCause.NETWORK : FailureCause.INFRASTRUCTURE);
    }

    private ProvisioningException(String reason, Throwable cause, FailureCause kind) {
        super(reason, cause);
        this.kind = kind;
    }

    /** The configuration is wrong: retrying will not help (a missing secret, an invalid reference). */
    public static ProvisioningException configuration(String reason) {
        return new ProvisioningException(reason, null, FailureCause.CONFIGURATION);
    }

    /** What kind of failure this is. */
    public FailureCause kind() {
        return kind;
    }
}
