package dev.cutover.orchestrator.model;

import java.util.Map;

/** An earlier deployment's resolved configuration, reused as is by a redeploy (no new resolution). */
public record PinnedConfig(String configHash, Map<String, Object> config, Map<String, String> provenance,
                           String fromDeploymentId) {

    /** The configuration {@code earlier} ran with, or null when it has none recorded (resolve again then). */
    public static PinnedConfig of(Deployment earlier) {
        return earlier.config() == null ? null
                : new PinnedConfig(earlier.configHash(), earlier.config(), earlier.provenance(), earlier.id());
    }
}
