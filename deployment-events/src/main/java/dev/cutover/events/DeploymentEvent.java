package dev.cutover.events;

/** The deployment lifecycle as the orchestrator decides it, on {@link Topics#DEPLOYMENT_EVENTS}. */
@OnTopic(Topics.DEPLOYMENT_EVENTS)
public sealed interface DeploymentEvent extends Event {

    /** {@code actor}: who asked for it (absent in messages written before it existed). */
    @TypeName("dev.cutover.deployment.accepted.v1")
    record DeploymentAccepted(Meta meta, Target target, String version, String strategy,
                              @OptionalField Actor actor)
            implements DeploymentEvent {

        public DeploymentAccepted(Meta meta, Target target, String version, String strategy) {
            this(meta, target, version, strategy, null);
        }

        public DeploymentAccepted withActor(Actor by) {
            return new DeploymentAccepted(meta, target, version, strategy, by);
        }
    }

    /** A request that will not run: invalid, or the target already has an active deployment. */
    @TypeName("dev.cutover.deployment.rejected.v1")
    record DeploymentRejected(Meta meta, Target target, @OptionalField String version, String reason,
                              @OptionalField String field)
            implements DeploymentEvent {
    }

    @TypeName("dev.cutover.deployment.status-changed.v1")
    /** {@code actor}: the call that caused the change, when one did (an operator action, a new request). */
    record DeploymentStatusChanged(Meta meta, Target target, String version, DeploymentStatus status,
                                   String stage, @OptionalField String reason, @OptionalField Failure failure,
                                   @OptionalField Actor actor)
            implements DeploymentEvent {

        public DeploymentStatusChanged(Meta meta, Target target, String version, DeploymentStatus status,
                                       String stage, String reason) {
            this(meta, target, version, status, stage, reason, null, null);
        }

        public DeploymentStatusChanged(Meta meta, Target target, String version, DeploymentStatus status,
                                       String stage, String reason, Failure failure) {
            this(meta, target, version, status, stage, reason, failure, null);
        }

        public DeploymentStatusChanged withActor(Actor by) {
            return new DeploymentStatusChanged(meta, target, version, status, stage, reason, failure, by);
        }
    }

    /**
     * Who made a state-changing call and what it was, for the audit trail: {@code subject} (a token's subject, or
     * {@code ci:<source>} for a signed CI request), {@code via} ({@code rest}, {@code kafka}, {@code webhook}),
     * {@code action} ({@code start}, {@code redeploy}, {@code promote}, {@code pause}, {@code resume}, {@code abort},
     * {@code approve}, {@code rollback}, {@code supersede}) and the caller's {@code reason}. When: the message's
     * {@code occurredAt}. Never a token or key.
     */
    record Actor(String subject, String via, String action, @OptionalField String reason) {
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
