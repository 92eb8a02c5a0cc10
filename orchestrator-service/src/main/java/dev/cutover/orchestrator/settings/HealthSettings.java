package dev.cutover.orchestrator.settings;

import dev.cutover.events.HealthMonitorCommand.HealthCheckSpec;

import java.util.List;

/** The {@code health.*} part of a resolved configuration, with the defaults for missing keys. */
public record HealthSettings(List<String> paths, long timeoutMs, long intervalMs, int consecutiveSuccesses,
                             long maxWaitMs, int failureThreshold, long monitorWindowMs) {

    public static final HealthSettings DEFAULTS =
            new HealthSettings(List.of("/health", "/ready"), 1000, 200, 3, 30000, 2, 5000);

    /** Pre-switch: UNTIL_HEALTHY, no window. */
    public HealthCheckSpec untilHealthySpec() {
        return new HealthCheckSpec(paths, timeoutMs, intervalMs, consecutiveSuccesses, maxWaitMs, 0,
                failureThreshold);
    }

    /** Post-switch: WATCH over the monitoring window. */
    public HealthCheckSpec watchSpec() {
        return new HealthCheckSpec(paths, timeoutMs, intervalMs, consecutiveSuccesses, maxWaitMs, monitorWindowMs,
                failureThreshold);
    }
}
