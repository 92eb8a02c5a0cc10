package dev.cutover.events;

import java.util.List;

/** What the health-monitor-service found, on {@link Topics#HEALTH_MONITOR_EVENTS}. */
public sealed interface HealthMonitorEvent extends Event {

    @Override
    default String topic() {
        return Topics.HEALTH_MONITOR_EVENTS;
    }

    /** The verdict of one {@code RunHealthCheck}, with the last round of probes as evidence. */
    @TypeName("dev.cutover.healthmonitor.health-check-completed.v1")
    record HealthCheckCompleted(Meta meta, Target target, String slot, String phase, boolean passed,
                                @OptionalField String reason, int rounds, List<ProbeResult> lastProbes)
            implements HealthMonitorEvent {
    }

    /** One probe: HTTP status (0 when none came back), latency, and what went wrong if anything. */
    record ProbeResult(String path, int status, long latencyMs, @OptionalField String error) {
    }
}
