package dev.cutover.healthmonitor.check;

import dev.cutover.events.HealthMonitorEvent.ProbeResult;

import java.util.List;

/** One round: every path probed once, in parallel. It passes when every probe passed (2xx). */
public record Round(List<ProbeResult> probes) {

    public Round {
        probes = List.copyOf(probes);
    }

    public static boolean passed(ProbeResult probe) {
        return probe.error() == null && probe.status() >= 200 && probe.status() < 300;
    }

    public boolean passed() {
        return probes.stream().allMatch(Round::passed);
    }

    /** What the first failing probe saw, e.g. "/ready timed out after 1000 ms"; null when the round passed. */
    public String failure() {
        return probes.stream().filter(p -> !passed(p)).findFirst()
                .map(p -> p.path() + " " + (p.error() != null ? p.error() : "answered " + p.status()))
                .orElse(null);
    }
}
