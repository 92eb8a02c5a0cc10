package dev.cutover.events;

import java.util.Map;

/** What CI publishes on {@link Topics#DEPLOYMENT_REQUESTS}: "please deploy this version here". */
@OnTopic(Topics.DEPLOYMENT_REQUESTS)
public sealed interface DeploymentRequestEvent extends Event {

    /**
     * A deployment request. {@code meta.deploymentId} may be null: the orchestrator then derives it
     * from {@code meta.messageId}, so a redelivered request is the same deployment, not a second one.
     * {@code sha256}: the artifact's expected SHA-256 (64 hex digits), verified before the artifact is started;
     * required where the environment's {@code artifact.require-digest} is on (production).
     */
    @TypeName("dev.cutover.deployment.requested.v1")
    record DeploymentRequested(Meta meta, Target target, String version, String artifact,
                               @OptionalField String strategy, @OptionalField Map<String, Object> overrides,
                               @OptionalField String sha256) implements DeploymentRequestEvent {
        public DeploymentRequested {
            overrides = overrides == null ? Map.of() : overrides;
        }

        /** Without a digest. */
        public DeploymentRequested(Meta meta, Target target, String version, String artifact, String strategy,
                                   Map<String, Object> overrides) {
            this(meta, target, version, artifact, strategy, overrides, null);
        }
    }
}
