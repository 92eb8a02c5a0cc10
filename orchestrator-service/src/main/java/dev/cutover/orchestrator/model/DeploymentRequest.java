package dev.cutover.orchestrator.model;

import dev.cutover.events.Target;

import java.util.Map;

/**
 * A request to deploy, from REST or the requests topic, before validation.
 *
 * @param onConflict what to do when the target has an active deployment: reject (default), queue or supersede
 * @param sha256     the artifact's expected SHA-256 (64 hex digits), verified before the artifact starts; required
 *                   where the environment's {@code artifact.require-digest} is on; null when not given
 */
public record DeploymentRequest(String application, String environment, String version, String artifact,
                                String strategy, Map<String, Object> overrides, String onConflict, String sha256) {

    public static final String REJECT = "reject";
    public static final String QUEUE = "queue";
    public static final String SUPERSEDE = "supersede";

    public DeploymentRequest {
        overrides = overrides == null ? Map.of() : overrides;
    }

    public DeploymentRequest(String application, String environment, String version, String artifact,
                             String strategy, Map<String, Object> overrides) {
        this(application, environment, version, artifact, strategy, overrides, null, null);
    }

    /** Without a digest. */
    public DeploymentRequest(String application, String environment, String version, String artifact,
                             String strategy, Map<String, Object> overrides, String onConflict) {
        this(application, environment, version, artifact, strategy, overrides, onConflict, null);
    }

    public Target target() {
        return new Target(application, environment);
    }
}
