package dev.cutover.orchestrator.engine.recovery;

import dev.cutover.events.ConfigEvent.ConfigRejected;
import dev.cutover.events.Event;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.orchestrator.model.CheckPhase;
import dev.cutover.orchestrator.model.ProvisionerOperation;
import dev.cutover.orchestrator.model.Severity;
import dev.cutover.orchestrator.model.Stage;

import java.util.List;
import java.util.Locale;

import static dev.cutover.orchestrator.model.FailureType.APPLICATION_FAILURE;
import static dev.cutover.orchestrator.model.FailureType.CONFIGURATION_ERROR;
import static dev.cutover.orchestrator.model.FailureType.HEALTH_CHECK_FAILURE;
import static dev.cutover.orchestrator.model.FailureType.INFRASTRUCTURE_FAILURE;
import static dev.cutover.orchestrator.model.FailureType.NETWORK_ISSUE;
import static dev.cutover.orchestrator.model.FailureType.ROLLBACK_FAILURE;
import static dev.cutover.orchestrator.model.FailureType.TIMEOUT;

/**
 * Classifies what went wrong, from the failing input alone (pure: no state, no clock). {@code trafficMoved}: the new
 * version may already serve users, so the same failure is more severe and is answered by a rollback, not a retry.
 */
public final class Classifier {

    static final String FIX_CONFIGURATION = "fix the configuration, then deploy again";
    static final String ROLL_BACK = "roll back to the stable version";
    static final String RETRY = "retry: the failure is likely transient";
    static final String MANUAL = "manual intervention: check the target's traffic weights and slots";

    private static final List<String> NETWORK_WORDS = List.of("connection", "refused", "unreachable");

    private Classifier() {
    }

    /** The classification of a failing agent event; null when the event reports no failure. */
    public static Classification of(Event event, boolean trafficMoved) {
        if (event instanceof ConfigRejected) {
            return configuration();
        }
        if (event instanceof ProvisioningFailed f) {
            FailureCause cause = f.cause() != null ? f.cause() : legacyCause(f);
            if (cause == FailureCause.CONFIGURATION) {
                return new Classification(CONFIGURATION_ERROR, Severity.HIGH, false,
                        "fix the configuration (e.g. create the missing secret), then deploy again");
            }
            Severity severity = trafficMoved ? Severity.HIGH : Severity.MEDIUM;
            if (cause == FailureCause.TIMEOUT) {
                return new Classification(TIMEOUT, severity, true,
                        "retry: the cloud operation did not finish in its time; check it in the provider");
            }
            // starting an instance is infrastructure whatever failed underneath; router and store calls are network
            if (cause == FailureCause.NETWORK && !ProvisionerOperation.PROVISION.is(f.operation())) {
                return new Classification(NETWORK_ISSUE, severity, true,
                        "retry once the router/provider is reachable again");
            }
            return new Classification(INFRASTRUCTURE_FAILURE, severity, true,
                    "retry once the infrastructure recovers");
        }
        if (event instanceof HealthCheckCompleted h && !h.passed()) {
            return CheckPhase.PRE_SWITCH.is(h.phase()) && !trafficMoved
                    ? new Classification(HEALTH_CHECK_FAILURE, Severity.MEDIUM, true,
                    RETRY + " (the instance may not have been ready)")
                    : new Classification(APPLICATION_FAILURE, Severity.HIGH, false, ROLL_BACK);
        }
        if (event instanceof AnalysisCompleted a && (a.verdict() == Verdict.FAIL
                || a.verdict() == Verdict.INSUFFICIENT_DATA)) {
            return a.verdict() == Verdict.FAIL
                    ? new Classification(APPLICATION_FAILURE, Severity.HIGH, false, ROLL_BACK)
                    : new Classification(APPLICATION_FAILURE, Severity.MEDIUM, false,
                    "send traffic to the canary or review analysis.insufficient-data-policy");
        }
        if (event instanceof RollbackFailed) {
            return new Classification(ROLLBACK_FAILURE, Severity.CRITICAL, false, MANUAL);
        }
        return null;
    }

    /** A configuration the orchestrator cannot run with (rejected upstream, or invalid for it). */
    public static Classification configuration() {
        return new Classification(CONFIGURATION_ERROR, Severity.HIGH, false, FIX_CONFIGURATION);
    }

    /**
     * What a provisioner older than {@link ProvisioningFailed#cause()} meant, read from its reason: the
     * "configuration error" prefix, or words of an unreachable peer.
     */
    private static FailureCause legacyCause(ProvisioningFailed f) {
        String reason = f.reason() == null ? "" : f.reason().toLowerCase(Locale.ROOT);
        if (ProvisionerOperation.PROVISION.is(f.operation()) && reason.startsWith("configuration error")) {
            return FailureCause.CONFIGURATION;
        }
        return NETWORK_WORDS.stream().anyMatch(reason::contains) ? FailureCause.NETWORK : FailureCause.INFRASTRUCTURE;
    }

    /**
     * A stage that got no answer before its deadline. Before the switch the attempt can be retried (the config stage
     * is not: nothing was started, and a silent config-service is not fixed by asking again); after it, roll back.
     * A rollback that times out leaves traffic in an unknown state.
     */
    public static Classification timeout(String stage, boolean trafficMoved) {
        switch (stage) {
            case Stage.ROLLBACK -> {
                return new Classification(TIMEOUT, Severity.CRITICAL, false, MANUAL);
            }
            case Stage.CLEANUP -> {
                // the outcome is already decided; only a slot may be left running
                return new Classification(TIMEOUT, Severity.LOW, false,
                        "check that the released slot stopped; stop it by hand if not");
            }
            case Stage.CONFIG -> {
                return new Classification(TIMEOUT, Severity.MEDIUM, false,
                        "check that config-service is running, then deploy again");
            }
            default -> {
            }
        }
        return trafficMoved
                ? new Classification(TIMEOUT, Severity.HIGH, false, ROLL_BACK)
                : new Classification(TIMEOUT, Severity.MEDIUM, true, "retry: the agent may have been slow or down");
    }
}
