package dev.cutover.healthmonitor.analysis;

import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorEvent.DecisionRecord;
import dev.cutover.events.HealthMonitorEvent.MetricSample;
import dev.cutover.events.HealthMonitorEvent.RuleOutcome;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.healthmonitor.metrics.provider.SlotMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static dev.cutover.events.HealthMonitorEvent.Outcome.FAIL;
import static dev.cutover.events.HealthMonitorEvent.Outcome.PASS;
import static dev.cutover.events.HealthMonitorEvent.Outcome.SKIPPED;
import static dev.cutover.healthmonitor.analysis.Rule.BASELINE;
import static dev.cutover.healthmonitor.analysis.Rule.ERROR_RATE_ABSOLUTE;
import static dev.cutover.healthmonitor.analysis.Rule.ERROR_RATE_RELATIVE;
import static dev.cutover.healthmonitor.analysis.Rule.HEALTH;
import static dev.cutover.healthmonitor.analysis.Rule.METRICS;
import static dev.cutover.healthmonitor.analysis.Rule.MIN_SAMPLES;
import static dev.cutover.healthmonitor.analysis.Rule.P95_ABSOLUTE;
import static dev.cutover.healthmonitor.analysis.Rule.P95_RELATIVE;
import static dev.cutover.healthmonitor.analysis.Rule.THROUGHPUT_RELATIVE;

/**
 * The rules of canary-vs-baseline analysis, without I/O or clocks: given both sides' numbers it says what the
 * verdict is and writes the decision record that explains it.
 *
 * <ul>
 *   <li>Absolute triggers, judged as soon as the canary has {@code minSamples} requests: a failed health check
 *       ({@code healthFailureThreshold} in a row), error rate above {@code maxErrorRate}, p95 above
 *       {@code maxP95Ms} - unless the baseline breaks the same limit (then it is not the canary's doing).</li>
 *   <li>At the window's end: fewer than {@code minSamples} on either side is INSUFFICIENT_DATA (the runner extends
 *       first); a baseline that breaks the absolute limits itself makes the verdict INCONCLUSIVE unless the
 *       canary is worse still by the relative rules; otherwise the relative rules (error rate, p95, throughput
 *       per unit of weight) decide PASS or FAIL.</li>
 * </ul>
 * Small samples are not judged finer than they can resolve: the baseline error rate used by the relative rule
 * is at least one error in the smaller sample, a p95 within {@code latencyMinDifferenceMs} of the baseline's is
 * never a regression (histogram buckets and scheduling noise are that coarse at low latencies), and the canary's
 * p95 is held to the latency limits by its 95 % lower confidence bound ({@link SlotMetrics#p95LowMs}): with few
 * requests the p95 is little more than the slowest one, and one stray slow request is not a slow version.
 */
public final class AnalysisJudge {

    /** Exactly at a limit passes; this absorbs binary floating point (1.5 x 0.02 is 0.030000000000000002). */
    private static final double EPSILON = 1e-9;

    /** The canary's health probes so far; {@code probed} is false without a canaryUrl or health paths. */
    public record Health(boolean probed, int failedInARow, String lastFailure) {
        public static final Health NOT_PROBED = new Health(false, 0, null);
        public static final Health OK = new Health(true, 0, null);
    }

    /** Everything known at one moment of the analysis. */
    public record Observation(SlotMetrics canary, SlotMetrics baseline, Health health, long elapsedMs, int extensions) {
    }

    public record Decision(Verdict verdict, DecisionRecord record) {
    }

    private final AnalysisSpec spec;
    private final int canaryWeight;
    private final double latencyMinDifferenceMs;

    public AnalysisJudge(AnalysisSpec spec, int canaryWeight, double latencyMinDifferenceMs) {
        this.spec = spec;
        this.canaryWeight = canaryWeight;
        this.latencyMinDifferenceMs = latencyMinDifferenceMs;
    }

    /** A FAIL that need not wait for the window's end (health, absolute limits); empty to keep watching. */
    public Optional<Decision> early(Observation o) {
        Rules r = new Rules(o);
        return r.absoluteFailure();
    }

    /** Whether both sides have {@code minSamples} requests, so the window need not be extended. */
    public boolean enoughData(Observation o) {
        return o.canary().requests() >= spec.minSamples() && o.baseline().requests() >= spec.minSamples();
    }

    /** The verdict at the window's end (after any extensions). */
    public Decision complete(Observation o) {
        Rules r = new Rules(o);
        Optional<Decision> absolute = r.absoluteFailure();
        if (absolute.isPresent()) {
            return absolute.get();
        }
        if (!enoughData(o)) {
            return r.decide(Verdict.INSUFFICIENT_DATA, MIN_SAMPLES.wire(), spec.insufficientDataPolicy().name(),
                    String.format(Locale.ROOT, "too few requests after %d extension%s (canary %d, baseline %d; at least %d each): policy %s",
                            o.extensions(), o.extensions() == 1 ? "" : "s", o.canary().requests(), o.baseline().requests(),
                            spec.minSamples(), spec.insufficientDataPolicy().name()));
        }
        RuleOutcome relativeFailure = r.firstFailure(ERROR_RATE_RELATIVE, P95_RELATIVE, THROUGHPUT_RELATIVE);
        if (r.get(BASELINE).failed()) {
            if (relativeFailure == null) {
                return r.decide(Verdict.INCONCLUSIVE, BASELINE.wire(), null,
                        "baseline failing itself (" + r.get(BASELINE).detail() + "): no fair judgement of the canary");
            }
            return r.decide(Verdict.FAIL, relativeFailure.rule(), null, "baseline failing (" + r.get(BASELINE).detail()
                    + ") and the canary is worse still: " + relativeFailure.rule() + " " + relativeFailure.detail());
        }
        if (relativeFailure != null) {
            return r.decide(Verdict.FAIL, relativeFailure.rule(), null, summary(relativeFailure));
        }
        MetricSample c = r.canary;
        MetricSample b = r.baseline;
        return r.decide(Verdict.PASS, null, null, String.format(Locale.ROOT,
                "canary healthy against the baseline: error rate %s vs %s, p95 %s vs %s, %d vs %d requests in %.1f s",
                pct(c.errorRate()), pct(b.errorRate()), ms(c.p95Ms()), ms(b.p95Ms()), c.requests(), b.requests(),
                o.elapsedMs() / 1000.0));
    }

    /** No fair judgement: the metrics could not be read. The last numbers read (if any) stay as evidence. */
    public Decision unreadable(String error, Observation lastKnown) {
        Rules r = new Rules(lastKnown);
        List<RuleOutcome> rules = new ArrayList<>();
        rules.add(new RuleOutcome(METRICS.wire(), FAIL, null, null, null, error));
        rules.add(r.get(HEALTH));
        for (RuleOutcome rule : r.rules) {
            if (!HEALTH.is(rule.rule())) {
                rules.add(new RuleOutcome(rule.rule(), SKIPPED, null, null, null, "not judged: metrics unreadable"));
            }
        }
        return new Decision(Verdict.INCONCLUSIVE, new DecisionRecord(r.canary, r.baseline, List.copyOf(rules), METRICS.wire(),
                "metrics unreadable: " + error, lastKnown.elapsedMs(), lastKnown.extensions(), null));
    }

    private static String summary(RuleOutcome failed) {
        return switch (Rule.of(failed.rule()).orElse(METRICS)) {
            case ERROR_RATE_ABSOLUTE -> "canary error rate " + pct(failed.canaryValue()) + " above " + pct(failed.limit());
            case P95_ABSOLUTE -> "canary p95 " + ms(failed.canaryValue()) + " above " + ms(failed.limit());
            case ERROR_RATE_RELATIVE -> "canary error rate worse than the baseline's: " + failed.detail();
            case P95_RELATIVE -> "canary p95 worse than the baseline's: " + failed.detail();
            case THROUGHPUT_RELATIVE -> "canary serves less than its share of traffic: " + failed.detail();
            case HEALTH -> "canary health check failed: " + failed.detail();
            case MIN_SAMPLES, BASELINE, METRICS -> failed.rule() + ": " + failed.detail();
        };
    }

    /** Every rule evaluated once for one observation. */
    private final class Rules {
        final Observation o;
        final MetricSample canary;
        final MetricSample baseline;
        final List<RuleOutcome> rules = new ArrayList<>();
        final boolean canaryEnough;
        final boolean baselineEnough;
        final double canaryRate;
        final double baselineRate;
        final double canaryP95;
        /** What the limits judge: the canary's p95 as low as it could really be, given its sample size. */
        final double canaryP95Low;
        final double baselineP95;

        Rules(Observation o) {
            this.o = o;
            SlotMetrics c = o.canary();
            SlotMetrics b = o.baseline();
            canaryEnough = c.requests() >= spec.minSamples() && c.requests() > 0;
            baselineEnough = b.requests() >= spec.minSamples() && b.requests() > 0;
            canaryRate = c.requests() > 0 ? (double) c.errors() / c.requests() : Double.NaN;
            baselineRate = b.requests() > 0 ? (double) b.errors() / b.requests() : Double.NaN;
            canaryP95 = Double.isFinite(c.p95Ms()) ? c.p95Ms() : Double.NaN;
            canaryP95Low = Double.isFinite(c.p95LowMs()) ? Math.min(c.p95LowMs(), canaryP95) : canaryP95;
            baselineP95 = Double.isFinite(b.p95Ms()) ? b.p95Ms() : Double.NaN;
            canary = sample(c, canaryRate, canaryP95, canaryWeight);
            baseline = sample(b, baselineRate, baselineP95, 100 - canaryWeight);
            rules.add(health());
            rules.add(minSamples());
            rules.add(baselineSanity());
            rules.add(errorRateAbsolute());
            rules.add(p95Absolute());
            rules.add(errorRateRelative());
            rules.add(p95Relative());
            rules.add(throughput());
        }

        RuleOutcome get(Rule rule) {
            return rules.stream().filter(r -> rule.is(r.rule())).findFirst().orElseThrow();
        }

        RuleOutcome firstFailure(Rule... candidates) {
            for (Rule rule : candidates) {
                if (get(rule).failed()) {
                    return get(rule);
                }
            }
            return null;
        }

        Optional<Decision> absoluteFailure() {
            RuleOutcome failed = firstFailure(HEALTH, ERROR_RATE_ABSOLUTE, P95_ABSOLUTE);
            return failed == null ? Optional.empty() : Optional.of(decide(Verdict.FAIL, failed.rule(), null, summary(failed)));
        }

        Decision decide(Verdict verdict, String fired, String policy, String summary) {
            return new Decision(verdict, new DecisionRecord(canary, baseline, List.copyOf(rules), fired, summary,
                    o.elapsedMs(), o.extensions(), policy));
        }

        private RuleOutcome health() {
            Health h = o.health();
            double threshold = spec.healthFailureThreshold();
            if (!h.probed()) {
                return new RuleOutcome(HEALTH.wire(), SKIPPED, null, null, null, "not probed: no canaryUrl or healthPaths");
            }
            if (h.failedInARow() >= spec.healthFailureThreshold()) {
                return new RuleOutcome(HEALTH.wire(), FAIL, (double) h.failedInARow(), null, threshold,
                        h.lastFailure() + " (" + h.failedInARow() + " failed probes in a row)");
            }
            return new RuleOutcome(HEALTH.wire(), PASS, (double) h.failedInARow(), null, threshold, h.failedInARow() == 0
                    ? "healthy: no failed probe in a row"
                    : h.failedInARow() + " failed probe(s) in a row, fails at " + spec.healthFailureThreshold()
                    + "; last: " + h.lastFailure());
        }

        private RuleOutcome minSamples() {
            boolean enough = enoughData(o);
            return new RuleOutcome(MIN_SAMPLES.wire(), enough ? PASS : FAIL, (double) o.canary().requests(),
                    (double) o.baseline().requests(), (double) spec.minSamples(), String.format(Locale.ROOT,
                    "canary %d and baseline %d requests; at least %d each needed", o.canary().requests(),
                    o.baseline().requests(), spec.minSamples()));
        }

        private RuleOutcome baselineSanity() {
            if (!baselineEnough) {
                return new RuleOutcome(BASELINE.wire(), SKIPPED, null, null, null,
                        "baseline has " + o.baseline().requests() + " requests, fewer than " + spec.minSamples());
            }
            if (exceeds(baselineRate, spec.maxErrorRate())) {
                return new RuleOutcome(BASELINE.wire(), FAIL, null, round(baselineRate, 6), spec.maxErrorRate(),
                        "baseline error rate " + pct(baselineRate) + " > " + pct(spec.maxErrorRate()));
            }
            if (exceeds(baselineP95, spec.maxP95Ms())) {
                return new RuleOutcome(BASELINE.wire(), FAIL, null, round(baselineP95, 2), spec.maxP95Ms(),
                        "baseline p95 " + ms(baselineP95) + " > " + ms(spec.maxP95Ms()));
            }
            return new RuleOutcome(BASELINE.wire(), PASS, null, null, null, "baseline within the absolute limits (error rate "
                    + pct(baselineRate) + " <= " + pct(spec.maxErrorRate()) + ", p95 " + ms(baselineP95) + ")");
        }

        private RuleOutcome errorRateAbsolute() {
            if (!canaryEnough) {
                return tooFewCanary(ERROR_RATE_ABSOLUTE);
            }
            Double value = round(canaryRate, 6);
            if (exceeds(canaryRate, spec.maxErrorRate())) {
                if (baselineEnough && exceeds(baselineRate, spec.maxErrorRate())) {
                    return new RuleOutcome(ERROR_RATE_ABSOLUTE.wire(), SKIPPED, value, round(baselineRate, 6), spec.maxErrorRate(),
                            pct(canaryRate) + " > " + pct(spec.maxErrorRate()) + ", but the baseline is at "
                                    + pct(baselineRate) + " too: not the canary's doing");
                }
                return new RuleOutcome(ERROR_RATE_ABSOLUTE.wire(), FAIL, value, null, spec.maxErrorRate(),
                        pct(canaryRate) + " > " + pct(spec.maxErrorRate()) + " (" + o.canary().errors() + " of "
                                + o.canary().requests() + " requests)");
            }
            return new RuleOutcome(ERROR_RATE_ABSOLUTE.wire(), PASS, value, null, spec.maxErrorRate(),
                    pct(canaryRate) + " <= " + pct(spec.maxErrorRate()));
        }

        private RuleOutcome p95Absolute() {
            if (!canaryEnough) {
                return tooFewCanary(P95_ABSOLUTE);
            }
            if (Double.isNaN(canaryP95)) {
                return new RuleOutcome(P95_ABSOLUTE.wire(), SKIPPED, null, null, spec.maxP95Ms(),
                        "canary p95 unknown (no latency data): not judged");
            }
            Double value = round(canaryP95, 2);
            if (exceeds(canaryP95Low, spec.maxP95Ms())) {
                if (baselineEnough && exceeds(baselineP95, spec.maxP95Ms())) {
                    return new RuleOutcome(P95_ABSOLUTE.wire(), SKIPPED, value, round(baselineP95, 2), spec.maxP95Ms(),
                            ms(canaryP95) + " > " + ms(spec.maxP95Ms()) + ", but the baseline is at " + ms(baselineP95)
                                    + " too: not the canary's doing");
                }
                return new RuleOutcome(P95_ABSOLUTE.wire(), FAIL, value, null, spec.maxP95Ms(),
                        ms(canaryP95) + atLeast() + " > " + ms(spec.maxP95Ms()));
            }
            if (exceeds(canaryP95, spec.maxP95Ms())) {
                return new RuleOutcome(P95_ABSOLUTE.wire(), PASS, value, null, spec.maxP95Ms(), ms(canaryP95) + " > "
                        + ms(spec.maxP95Ms()) + mayBeAsLow());
            }
            return new RuleOutcome(P95_ABSOLUTE.wire(), PASS, value, null, spec.maxP95Ms(), ms(canaryP95) + " <= " + ms(spec.maxP95Ms()));
        }

        private RuleOutcome errorRateRelative() {
            if (!canaryEnough || !baselineEnough) {
                return tooFewBoth(ERROR_RATE_RELATIVE);
            }
            double ratio = spec.maxErrorRateRatio();
            long smaller = Math.min(o.canary().requests(), o.baseline().requests());
            double resolution = 1.0 / smaller;
            double reference = Math.max(baselineRate, resolution);
            double limit = ratio * reference;
            boolean failed = exceeds(canaryRate, limit);
            String detail = pct(canaryRate) + (failed ? " > " : " <= ") + fmt(ratio) + " x " + pct(reference);
            if (reference > baselineRate) {
                detail += " (baseline had " + o.baseline().errors() + " error" + (o.baseline().errors() == 1 ? "" : "s")
                        + " in " + o.baseline().requests() + " requests, " + pct(baselineRate) + "; compared against the"
                        + " resolution of the smaller sample, 1 error in " + smaller + " requests, so one stray error does"
                        + " not fail the canary - the absolute " + pct(spec.maxErrorRate()) + " limit still applies)";
            }
            return new RuleOutcome(ERROR_RATE_RELATIVE.wire(), failed ? FAIL : PASS, round(canaryRate, 6), round(baselineRate, 6),
                    ratio, detail);
        }

        private RuleOutcome p95Relative() {
            if (Double.isNaN(canaryP95) || Double.isNaN(baselineP95)) {
                String which = Double.isNaN(canaryP95) && Double.isNaN(baselineP95) ? "canary and baseline"
                        : Double.isNaN(canaryP95) ? "canary" : "baseline";
                return new RuleOutcome(P95_RELATIVE.wire(), SKIPPED, round(canaryP95, 2), round(baselineP95, 2),
                        spec.maxLatencyRatio(), "p95 unknown for the " + which + " (no latency data): not judged");
            }
            if (!canaryEnough || !baselineEnough) {
                return tooFewBoth(P95_RELATIVE);
            }
            double ratio = spec.maxLatencyRatio();
            double scaled = ratio * baselineP95;
            double floor = baselineP95 + latencyMinDifferenceMs;
            boolean floored = floor > scaled;
            double limit = Math.max(scaled, floor);
            boolean failed = exceeds(canaryP95Low, limit);
            boolean unsure = !failed && exceeds(canaryP95, limit);
            String limitText = floored
                    ? ms(baselineP95) + " + " + ms(latencyMinDifferenceMs) + " (" + fmt(ratio) + " x " + ms(baselineP95)
                    + " is within the " + ms(latencyMinDifferenceMs) + " treated as noise)"
                    : fmt(ratio) + " x " + ms(baselineP95);
            String detail = failed ? ms(canaryP95) + atLeast() + " > " + limitText
                    : unsure ? ms(canaryP95) + " > " + limitText + mayBeAsLow()
                    : ms(canaryP95) + " <= " + limitText;
            return new RuleOutcome(P95_RELATIVE.wire(), failed ? FAIL : PASS, round(canaryP95, 2), round(baselineP95, 2), ratio, detail);
        }

        /** " (at least X with 95 % confidence from n requests)" when the bound is below the p95. */
        private String atLeast() {
            return canaryP95Low < canaryP95 ? String.format(Locale.ROOT, " (at least %s with 95%% confidence from %d"
                    + " requests)", ms(canaryP95Low), o.canary().requests()) : "";
        }

        private String mayBeAsLow() {
            return String.format(Locale.ROOT, ", but from %d requests it may really be as low as %s (95%% confidence):"
                    + " not judged a regression", o.canary().requests(), ms(canaryP95Low));
        }

        private RuleOutcome throughput() {
            double ratio = spec.minThroughputRatio();
            if (canaryWeight <= 0 || canaryWeight >= 100) {
                return new RuleOutcome(THROUGHPUT_RELATIVE.wire(), SKIPPED, canary.throughputPerWeight(), baseline.throughputPerWeight(),
                        ratio, "canary weight " + canaryWeight + ": no two shares of traffic to compare");
            }
            if (!canaryEnough || !baselineEnough) {
                return tooFewBoth(THROUGHPUT_RELATIVE);
            }
            double c = (double) o.canary().requests() / canaryWeight;
            double b = (double) o.baseline().requests() / (100 - canaryWeight);
            // The router picks a backend per request at random by weight, so the canary's count is binomial:
            // a shortfall within 3 standard deviations of its expected share is chance, not a slow canary.
            long n = o.canary().requests() + o.baseline().requests();
            double p = canaryWeight / 100.0;
            double noiseFloor = n * p - 3 * Math.sqrt(n * p * (1 - p));
            boolean belowRatio = exceeds(ratio * b, c);
            boolean failed = belowRatio && o.canary().requests() < noiseFloor;
            String detail = String.format(Locale.ROOT, "%s %s %s x %s requests per weight point (canary %d at weight %d,"
                            + " baseline %d at weight %d)", fmt(c), belowRatio ? "<" : ">=", fmt(ratio), fmt(b),
                    o.canary().requests(), canaryWeight, o.baseline().requests(), 100 - canaryWeight)
                    + (belowRatio && !failed ? String.format(Locale.ROOT, "; within chance of weighted routing"
                    + " (%d requests is not below %.1f, 3 standard deviations under the expected share)",
                    o.canary().requests(), noiseFloor) : "");
            return new RuleOutcome(THROUGHPUT_RELATIVE.wire(), failed ? FAIL : PASS, round(c, 3), round(b, 3), ratio, detail);
        }

        private RuleOutcome tooFewCanary(Rule rule) {
            return new RuleOutcome(rule.wire(), SKIPPED, null, null, null,
                    "canary has " + o.canary().requests() + " requests, fewer than " + Math.max(1, spec.minSamples()));
        }

        private RuleOutcome tooFewBoth(Rule rule) {
            return new RuleOutcome(rule.wire(), SKIPPED, null, null, null, String.format(Locale.ROOT,
                    "too few requests to compare (canary %d, baseline %d; at least %d each)",
                    o.canary().requests(), o.baseline().requests(), Math.max(1, spec.minSamples())));
        }
    }

    private static MetricSample sample(SlotMetrics m, double rate, double p95, int weight) {
        return new MetricSample(m.requests(), m.errors(), round(rate, 6), round(p95, 2),
                weight > 0 ? round((double) m.requests() / weight, 3) : null);
    }

    /** value > limit, with exactly-at-the-limit passing; NaN never exceeds. */
    static boolean exceeds(double value, double limit) {
        return value > limit + EPSILON * Math.max(1.0, Math.abs(limit));
    }

    private static Double round(double value, int decimals) {
        if (!Double.isFinite(value)) {
            return null;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    static String pct(Double rate) {
        if (rate == null || rate.isNaN()) {
            return "n/a";
        }
        double p = rate * 100;
        return String.format(Locale.ROOT, p != 0 && p < 1 ? "%.2f%%" : "%.1f%%", p);
    }

    static String ms(Double value) {
        if (value == null || value.isNaN()) {
            return "n/a";
        }
        return String.format(Locale.ROOT, value >= 100 ? "%.0f ms" : "%.1f ms", value);
    }

    /** Up to three decimals, no trailing zeros: 1.5, 0.8, 16.48. */
    static String fmt(double value) {
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.3f", value)).stripTrailingZeros().toPlainString();
    }
}
