package dev.cutover.events;

/** The deployment lifecycle as the orchestrator decides it, on {@link Topics#DEPLOYMENT_EVENTS}. */
public sealed interface DeploymentEvent extends Event {

    @Override
    default String topic() {
        return Topics.DEPLOYMENT_EVENTS;
    }

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
                                   String stage, @OptionalField String reason) implements DeploymentEvent {
    }
}
