package dev.cutover.orchestrator.deployment;

import dev.cutover.events.Target;

import java.util.Map;

/** A request to deploy, from REST or the requests topic, before validation. */
public record DeploymentRequest(String application, String environment, String version, String artifact,
                                String strategy, Map<String, Object> overrides) {

    public DeploymentRequest {
        overrides = overrides == null ? Map.of() : overrides;
    }

    public Target target() {
        return new Target(application, environment);
    }
}
