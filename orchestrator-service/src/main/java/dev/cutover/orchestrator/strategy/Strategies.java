package dev.cutover.orchestrator.deployment;

import java.util.List;
import java.util.Map;

/** The one place a deployment's {@code strategy} picks its implementation. */
public final class Strategies {

    public static final String BLUE_GREEN = "blue-green";
    public static final String CANARY = "canary";
    public static final String ROLLING = "rolling";

    private static final Map<String, DeploymentStrategy> BY_NAME = Map.of(
            BLUE_GREEN, new BlueGreenStrategy(),
            CANARY, new CanaryStrategy(),
            ROLLING, new RollingStrategy());

    /** In the order error messages list them. */
    public static final List<String> NAMES = List.of(BLUE_GREEN, CANARY, ROLLING);

    private Strategies() {
    }

    static DeploymentStrategy of(String name) {
        DeploymentStrategy s = BY_NAME.get(name == null ? BLUE_GREEN : name);
        if (s == null) {
            throw new IllegalArgumentException("unknown strategy " + name);
        }
        return s;
    }
}
