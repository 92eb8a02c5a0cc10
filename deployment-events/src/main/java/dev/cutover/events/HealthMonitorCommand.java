package dev.cutover.events;

import java.util.List;

/** Commands for the health-monitor-service, on {@link Topics#HEALTH_MONITOR_COMMANDS}. */
public sealed interface HealthMonitorCommand extends Command {

    @Override
    default String topic() {
        return Topics.HEALTH_MONITOR_COMMANDS;
    }

    /**
     * Probe {@code spec.paths} of {@code baseUrl} in parallel, each with a timeout.
     * {@link CheckMode#UNTIL_HEALTHY}: pass after {@code consecutiveSuccesses} rounds in a row, fail
     * when {@code maxWaitMs} runs out. {@link CheckMode#WATCH}: keep probing for {@code windowMs}, fail
     * at {@code failureThreshold} failed rounds in a row, pass when the window ends.
     */
    @TypeName("dev.cutover.healthmonitor.run-health-check.v1")
    record RunHealthCheck(Meta meta, Target target, String slot, String baseUrl, String phase, CheckMode mode,
                          HealthCheckSpec spec) implements HealthMonitorCommand {
    }

    enum CheckMode { UNTIL_HEALTHY, WATCH }

    record HealthCheckSpec(List<String> paths, long timeoutMs, long intervalMs, int consecutiveSuccesses,
                           long maxWaitMs, long windowMs, int failureThreshold) {
    }
}
