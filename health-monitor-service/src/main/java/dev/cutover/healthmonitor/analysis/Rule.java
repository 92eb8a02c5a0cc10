package dev.cutover.healthmonitor.analysis;

import java.util.Arrays;
import java.util.Optional;

/** The rules a canary is judged by; the wire name is what decision records carry ({@code RuleOutcome.rule}). */
public enum Rule {
    HEALTH("health-check"),
    MIN_SAMPLES("min-samples"),
    BASELINE("baseline-sanity"),
    ERROR_RATE_ABSOLUTE("error-rate-absolute"),
    P95_ABSOLUTE("latency-p95-absolute"),
    ERROR_RATE_RELATIVE("error-rate-relative"),
    P95_RELATIVE("latency-p95-relative"),
    THROUGHPUT_RELATIVE("throughput-relative"),
    METRICS("metrics-readable");

    private final String wire;

    Rule(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public boolean is(String name) {
        return wire.equals(name);
    }

    public static Optional<Rule> of(String name) {
        return Arrays.stream(values()).filter(r -> r.is(name)).findFirst();
    }
}
