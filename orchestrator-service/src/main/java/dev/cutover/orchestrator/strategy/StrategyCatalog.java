package dev.cutover.orchestrator.strategy;

/** Finds the strategy of a deployment by its name; the engine's only way to a {@link DeploymentStrategy}. */
@FunctionalInterface
public interface StrategyCatalog {

    /** @throws IllegalArgumentException for an unknown name */
    DeploymentStrategy of(String name);
}
