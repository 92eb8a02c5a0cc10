package dev.cutover.healthmonitor.check;

import dev.cutover.events.HealthMonitorEvent.ProbeResult;

import java.util.List;

/** How a check ended: the reason (null when passed), rounds run and the last round as evidence. */
public record Verdict(boolean passed, String reason, int rounds, List<ProbeResult> lastProbes) {
}
