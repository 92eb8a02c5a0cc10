package dev.cutover.events;

import java.util.List;

/** What the health-monitor-service found, on {@link Topics#HEALTH_MONITOR_EVENTS}. */
@OnTopic(Topics.HEALTH_MONITOR_EVENTS)
public sealed interface HealthMonitorEvent extends Event {

    /** The verdict of one {@code RunHealthCheck}, with the last round of probes as evidence. */
    @TypeName("dev.cutover.healthmonitor.health-check-completed.v1")
    record HealthCheckCompleted(Meta meta, Target target, String slot, String phase, boolean passed,
                                @OptionalField String reason, int rounds, List<ProbeResult> lastProbes)
            implements HealthMonitorEvent {
    }

    /** The verdict of one canary step, with the decision record that explains it. */
    @TypeName("dev.cutover.healthmonitor.analysis-completed.v1")
    record AnalysisCompleted(Meta meta, Target target, String canarySlot, int step, Verdict verdict,
                             DecisionRecord decision) implements HealthMonitorEvent {
    }

    /**
     * PASS and FAIL are judgements on the canary. INCONCLUSIVE: no fair judgement was possible (the
     * baseline is failing itself, or the metrics could not be read) — kept apart from FAIL.
     * INSUFFICIENT_DATA: too few requests even after extending the window.
     */
    enum Verdict { PASS, FAIL, INCONCLUSIVE, INSUFFICIENT_DATA }

    /**
     * Why the verdict is what it is: both sides' numbers and sample sizes, every rule with its limit and
     * outcome, the rule that decided, how long the window ran, the insufficient-data policy if applied, and which
     * metric provider the numbers came from ({@code router}, {@code prometheus}, {@code azure-monitor}; absent from
     * records written before it existed).
     */
    record DecisionRecord(MetricSample canary, MetricSample baseline, List<RuleOutcome> rules,
                          @OptionalField String firedRule, String summary, long windowMs, int extensions,
                          @OptionalField String policyApplied, @OptionalField String metricProvider) {

        /** Without the provider's name. */
        public DecisionRecord(MetricSample canary, MetricSample baseline, List<RuleOutcome> rules, String firedRule,
                              String summary, long windowMs, int extensions, String policyApplied) {
            this(canary, baseline, rules, firedRule, summary, windowMs, extensions, policyApplied, null);
        }
    }

    /** Numbers of one side over the window; rates are null when there were no requests. */
    record MetricSample(long requests, long errors, @OptionalField Double errorRate, @OptionalField Double p95Ms,
                        @OptionalField Double throughputPerWeight) {
    }

    /** One rule's outcome, with the numbers compared. */
    record RuleOutcome(String rule, Outcome outcome, @OptionalField Double canaryValue,
                       @OptionalField Double baselineValue, @OptionalField Double limit, String detail) {

        /** The outcome given by its JSON name (PASS, FAIL, SKIPPED). */
        public RuleOutcome(String rule, String outcome, Double canaryValue, Double baselineValue, Double limit,
                           String detail) {
            this(rule, Outcome.valueOf(outcome), canaryValue, baselineValue, limit, detail);
        }

        public boolean failed() {
            return outcome == Outcome.FAIL;
        }
    }

    /** What a rule found: within its limit, beyond it, or not judged (not enough data, or not applicable). */
    enum Outcome {
        PASS, FAIL, SKIPPED
    }

    /** One probe: HTTP status (0 when none came back), latency, and what went wrong if anything. */
    record ProbeResult(String path, int status, long latencyMs, @OptionalField String error) {
    }
}
