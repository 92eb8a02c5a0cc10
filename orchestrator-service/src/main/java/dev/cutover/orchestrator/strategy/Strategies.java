package dev.cutover.orchestrator.strategy;

import dev.cutover.orchestrator.strategy.bluegreen.BlueGreenStrategy;
import dev.cutover.orchestrator.strategy.canary.CanaryStrategy;
import dev.cutover.orchestrator.strategy.rolling.RollingStrategy;

import java.util.List;
import java.util.Map;

/**
 * The one place a deployment's {@code strategy} picks its implementation. The engine is given {@link #of} as its
 * {@link StrategyCatalog}, so it never names an implementation.
 */
public final class Strategies {

    private static final Map<String, DeploymentStrategy> BY_NAME = Map.of(
            DeploymentStrategy.BLUE_GREEN, new BlueGreenStrategy(),
            DeploymentStrategy.CANARY, new CanaryStrategy(),
            DeploymentStrategy.ROLLING, new RollingStrategy());

    /** In the order error messages list them. */
    public static final List<String> NAMES = List.of(DeploymentStrategy.BLUE_GREEN, DeploymentStrategy.CANARY,
            DeploymentStrategy.ROLLING);

    /** Every strategy, by name (blue-green when none is given). */
    public static final StrategyCatalog ALL = Strategies::of;

    private Strategies() {
    }

    public static DeploymentStrategy of(String name) {
        DeploymentStrategy s = BY_NAME.get(name == null ? DeploymentStrategy.BLUE_GREEN : name);
        if (s == null) {
            throw new IllegalArgumentException("unknown strategy " + name);
        }
        return s;
    }
}
