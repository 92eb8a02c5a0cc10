package dev.cutover.events;

/** The deployment lifecycle as the orchestrator decides it, on {@link Topics#DEPLOYMENT_EVENTS}. */
@OnTopic(Topics.DEPLOYMENT_EVENTS)
public sealed interface DeploymentEvent extends Event {

    @TypeName("dev.cutover.deployment.accepted.v1")
    record DeploymentAccepted(Meta meta, Target target, String version, String strategy)
            implements DeploymentEvent {
    }

    /** A request that will not run: invalid, or the target already has an active deployment. */
    @TypeName("dev.cutover.deployment.rejected.v1")
    record DeploymentRejected(Meta meta, Target target, @OptionalField String version, String reason,
                              @OptionalField String field)
            implements DeploymentEvent {
    }

    @TypeName("dev.cutover.deployment.status-changed.v1")
    record DeploymentStatusChanged(Meta meta, Target target, String version, DeploymentStatus status,
                                   String stage, @OptionalField String reason, @OptionalField Failure failure)
            implements DeploymentEvent {

        public DeploymentStatusChanged(Meta meta, Target target, String version, DeploymentStatus status,
                                       String stage, String reason) {
            this(meta, target, version, status, stage, reason, null);
        }
    }

    /**
     * A classified failure and what was done about it. {@code type}: INFRASTRUCTURE_FAILURE,
     * APPLICATION_FAILURE, CONFIGURATION_ERROR, NETWORK_ISSUE, TIMEOUT, HEALTH_CHECK_FAILURE,
     * ROLLBACK_FAILURE. {@code severity}: LOW, MEDIUM, HIGH, CRITICAL. {@code actionTaken}: e.g.
     * "retry 2/3 in 30s", "rollback", "stopped: fix the configuration".
     */
    record Failure(String type, String severity, boolean recoverable, String suggestedAction,
                   String actionTaken, int attempt) {
    }
}
