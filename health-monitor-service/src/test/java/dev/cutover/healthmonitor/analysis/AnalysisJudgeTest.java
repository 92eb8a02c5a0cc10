package dev.cutover.healthmonitor.analysis;

import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;
import dev.cutover.events.HealthMonitorEvent.Outcome;
import dev.cutover.events.HealthMonitorEvent.RuleOutcome;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.healthmonitor.analysis.AnalysisJudge.Decision;
import dev.cutover.healthmonitor.analysis.AnalysisJudge.Health;
import dev.cutover.healthmonitor.analysis.AnalysisJudge.Observation;
import dev.cutover.healthmonitor.metrics.provider.SlotMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.cutover.events.HealthMonitorEvent.Verdict.FAIL;
import static dev.cutover.events.HealthMonitorEvent.Verdict.INCONCLUSIVE;
import static dev.cutover.events.HealthMonitorEvent.Verdict.INSUFFICIENT_DATA;
import static dev.cutover.events.HealthMonitorEvent.Verdict.PASS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The analysis rules, table-driven: both sides' numbers in, verdict, deciding rule and rule outcomes out. */
class AnalysisJudgeTest {

    /** The golden sample's defaults: 1.5 x errors, 1.2 x p95, 0.8 x throughput, 5 %, 2000 ms, 50 samples. */
    static final AnalysisSpec SPEC = new AnalysisSpec(30_000, 1000, 50, 2, 10_000, InsufficientDataPolicy.PAUSE,
            1.5, 1.2, 0.8, 0.05, 2000, List.of("/health"), 2);
    static final double NAN = Double.NaN;
    static final List<String> ALL_RULES = List.of(Rule.HEALTH.wire(), Rule.MIN_SAMPLES.wire(), Rule.BASELINE.wire(),
            Rule.ERROR_RATE_ABSOLUTE.wire(), Rule.P95_ABSOLUTE.wire(), Rule.ERROR_RATE_RELATIVE.wire(),
            Rule.P95_RELATIVE.wire(), Rule.THROUGHPUT_RELATIVE.wire());

    static SlotMetrics m(long requests, long errors, double p95) {
        return new SlotMetrics(requests, errors, p95);
    }

    /** With the p95's 95 % lower confidence bound. */
    static SlotMetrics m(long requests, long errors, double p95, double p95Low) {
        return new SlotMetrics(requests, errors, p95, p95Low);
    }

    static Stream<Arguments> windowEnd() {
        Health ok = Health.OK;
        return Stream.of(
                // name, canary, baseline, canary weight, health, verdict, fired rule, rule outcomes to check
                Arguments.of("healthy canary", m(250, 1, 40), m(750, 3, 38), 25, ok, PASS, null,
                        "error-rate-absolute=PASS,error-rate-relative=PASS,latency-p95-relative=PASS,throughput-relative=PASS,min-samples=PASS,baseline-sanity=PASS"),
                Arguments.of("20 % errors", m(250, 50, 40), m(750, 3, 38), 25, ok, FAIL, "error-rate-absolute",
                        "error-rate-absolute=FAIL,error-rate-relative=FAIL"),
                Arguments.of("+500 ms latency", m(250, 1, 540), m(750, 3, 40), 25, ok, FAIL, "latency-p95-relative",
                        "latency-p95-absolute=PASS,latency-p95-relative=FAIL,error-rate-relative=PASS"),
                Arguments.of("p95 over 2000 ms", m(250, 1, 2300), m(750, 3, 1900), 25, ok, FAIL, "latency-p95-absolute",
                        "latency-p95-absolute=FAIL,baseline-sanity=PASS"),
                Arguments.of("zero baseline errors, one stray canary error", m(100, 1, 40), m(300, 0, 40), 25, ok, PASS, null,
                        "error-rate-relative=PASS"),
                Arguments.of("zero baseline errors, three canary errors", m(100, 3, 40), m(300, 0, 40), 25, ok, FAIL,
                        "error-rate-relative", "error-rate-absolute=PASS,error-rate-relative=FAIL"),
                Arguments.of("one baseline error in a big sample, one canary error", m(100, 1, 40), m(1000, 1, 40), 10, ok,
                        PASS, null, "error-rate-relative=PASS"),
                Arguments.of("zero traffic", m(0, 0, NAN), m(0, 0, NAN), 25, ok, INSUFFICIENT_DATA, "min-samples",
                        "min-samples=FAIL,error-rate-absolute=SKIPPED,latency-p95-relative=SKIPPED,throughput-relative=SKIPPED"),
                Arguments.of("canary below minSamples", m(49, 0, 40), m(900, 0, 40), 5, ok, INSUFFICIENT_DATA, "min-samples",
                        "min-samples=FAIL,error-rate-relative=SKIPPED"),
                Arguments.of("baseline below minSamples", m(60, 0, 40), m(49, 0, 40), 50, ok, INSUFFICIENT_DATA, "min-samples",
                        "baseline-sanity=SKIPPED,error-rate-absolute=PASS"),
                Arguments.of("baseline failing itself (errors)", m(250, 20, 40), m(750, 60, 40), 25, ok, INCONCLUSIVE,
                        "baseline-sanity", "baseline-sanity=FAIL,error-rate-absolute=SKIPPED,error-rate-relative=PASS"),
                Arguments.of("baseline failing itself (p95)", m(250, 0, 2600), m(750, 0, 2500), 25, ok, INCONCLUSIVE,
                        "baseline-sanity", "baseline-sanity=FAIL,latency-p95-absolute=SKIPPED,latency-p95-relative=PASS"),
                Arguments.of("failing baseline, canary clearly worse", m(250, 75, 40), m(750, 60, 40), 25, ok, FAIL,
                        "error-rate-relative", "baseline-sanity=FAIL,error-rate-absolute=SKIPPED,error-rate-relative=FAIL"),
                Arguments.of("NaN canary p95", m(250, 1, NAN), m(750, 3, 40), 25, ok, PASS, null,
                        "latency-p95-absolute=SKIPPED,latency-p95-relative=SKIPPED"),
                Arguments.of("empty latency series on both sides", m(250, 1, NAN), m(750, 3, NAN), 25, ok, PASS, null,
                        "latency-p95-absolute=SKIPPED,latency-p95-relative=SKIPPED"),
                Arguments.of("NaN baseline p95 with a slow canary", m(250, 1, 900), m(750, 3, NAN), 25, ok, PASS, null,
                        "latency-p95-absolute=PASS,latency-p95-relative=SKIPPED"),
                Arguments.of("throughput too low", m(100, 0, 40), m(200, 0, 40), 50, ok, FAIL, "throughput-relative",
                        "throughput-relative=FAIL"),
                Arguments.of("canary at 100 %: no throughput comparison", m(100, 0, 40), m(100, 0, 40), 100, ok, PASS, null,
                        "throughput-relative=SKIPPED"),
                Arguments.of("small latency differences are noise", m(250, 0, 4.2), m(750, 0, 2.1), 25, ok, PASS, null,
                        "latency-p95-relative=PASS"),
                Arguments.of("latency over the noise floor", m(250, 0, 30), m(750, 0, 2.1), 25, ok, FAIL,
                        "latency-p95-relative", "latency-p95-relative=FAIL"),
                // few requests: the p95 is judged by how low it could really be (95 % lower confidence bound)
                Arguments.of("one stray slow request among few", m(60, 0, 119, 30), m(900, 0, 40), 5, ok, PASS, null,
                        "latency-p95-relative=PASS,latency-p95-absolute=PASS"),
                Arguments.of("slow even at its lower bound", m(60, 0, 559, 540), m(900, 0, 40), 5, ok, FAIL,
                        "latency-p95-relative", "latency-p95-relative=FAIL"),
                Arguments.of("over 2000 ms by one request only", m(60, 0, 2400, 50), m(900, 0, 40), 5, ok, PASS, null,
                        "latency-p95-absolute=PASS,latency-p95-relative=PASS"),
                Arguments.of("over 2000 ms at its lower bound", m(60, 0, 2600, 2100), m(900, 0, 40), 5, ok, FAIL,
                        "latency-p95-absolute", "latency-p95-absolute=FAIL"),
                Arguments.of("NaN bound falls back to the p95", m(250, 1, 540, NAN), m(750, 3, 40), 25, ok, FAIL,
                        "latency-p95-relative", "latency-p95-relative=FAIL"),
                // exactly at every threshold passes; a hair over fails
                Arguments.of("error rate exactly 5 % and exactly 1.5 x", m(200, 10, 40), m(600, 20, 40), 25, ok, PASS, null,
                        "error-rate-absolute=PASS,error-rate-relative=PASS"),
                Arguments.of("error rate just over 5 %", m(1000, 51, 40), m(3000, 120, 40), 25, ok, FAIL, "error-rate-absolute",
                        "error-rate-absolute=FAIL"),
                Arguments.of("p95 exactly 1.2 x", m(250, 0, 1200), m(750, 0, 1000), 25, ok, PASS, null,
                        "latency-p95-relative=PASS"),
                Arguments.of("p95 just over 1.2 x", m(250, 0, 1200.5), m(750, 0, 1000), 25, ok, FAIL, "latency-p95-relative",
                        "latency-p95-relative=FAIL"),
                Arguments.of("p95 exactly 2000 ms", m(250, 0, 2000), m(750, 0, 1700), 25, ok, PASS, null,
                        "latency-p95-absolute=PASS"),
                Arguments.of("throughput exactly 0.8 x", m(8000, 0, 40), m(10000, 0, 40), 50, ok, PASS, null,
                        "throughput-relative=PASS"),
                Arguments.of("throughput just under 0.8 x", m(7999, 0, 40), m(10000, 0, 40), 50, ok, FAIL, "throughput-relative",
                        "throughput-relative=FAIL"),
                // weighted routing is random: 50 of 1300 at 5 % (expected 65, sd 7.9) is chance, not a slow canary
                Arguments.of("throughput shortfall within chance", m(50, 0, 40), m(1250, 0, 40), 5, ok, PASS, null,
                        "throughput-relative=PASS"),
                Arguments.of("throughput shortfall beyond chance", m(50, 0, 40), m(3000, 0, 40), 5, ok, FAIL,
                        "throughput-relative", "throughput-relative=FAIL"),
                Arguments.of("exactly minSamples on both sides", m(50, 0, 40), m(50, 0, 40), 50, ok, PASS, null,
                        "min-samples=PASS"),
                // health
                Arguments.of("failed health check", m(250, 0, 40), m(750, 0, 40), 25, new Health(true, 2, "/health answered 503"),
                        FAIL, "health-check", "health-check=FAIL,error-rate-absolute=PASS"),
                Arguments.of("failed health check without traffic", m(0, 0, NAN), m(0, 0, NAN), 25,
                        new Health(true, 3, "/health connection refused"), FAIL, "health-check", "health-check=FAIL"),
                Arguments.of("one failed probe is below the threshold", m(250, 0, 40), m(750, 0, 40), 25,
                        new Health(true, 1, "/health answered 503"), PASS, null, "health-check=PASS"),
                Arguments.of("no canaryUrl: health not probed", m(250, 0, 40), m(750, 0, 40), 25, Health.NOT_PROBED, PASS, null,
                        "health-check=SKIPPED"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("windowEnd")
    void decidesAtTheWindowsEnd(String name, SlotMetrics canary, SlotMetrics baseline, int weight, Health health,
                                Verdict verdict, String fired, String outcomes) {
        Decision d = new AnalysisJudge(SPEC, weight, 25).complete(new Observation(canary, baseline, health, 30_000, 2));

        assertEquals(verdict, d.verdict(), () -> name + ": " + d.record());
        assertEquals(fired, d.record().firedRule(), () -> d.record().summary());
        Map<String, String> byRule = d.record().rules().stream().collect(Collectors.toMap(RuleOutcome::rule, r -> r.outcome().name()));
        for (String expected : outcomes.split(",")) {
            String[] kv = expected.split("=");
            assertEquals(kv[1], byRule.get(kv[0]), () -> kv[0] + " in " + d.record().rules());
        }
        // a complete record: every rule, each with an outcome and a human detail; the summary is one line
        assertEquals(ALL_RULES, d.record().rules().stream().map(RuleOutcome::rule).toList());
        d.record().rules().forEach(r -> {
            assertNotNull(r.outcome(), r.toString());
            assertFalse(r.detail() == null || r.detail().isBlank(), r.toString());
        });
        assertFalse(d.record().summary().isBlank());
        assertFalse(d.record().summary().contains("\n"));
        assertEquals(canary.requests(), d.record().canary().requests());
        assertEquals(baseline.errors(), d.record().baseline().errors());
        assertEquals(30_000, d.record().windowMs());
        assertEquals(2, d.record().extensions());
        assertEquals(verdict == INSUFFICIENT_DATA ? "PAUSE" : null, d.record().policyApplied());
        if (fired != null) {
            assertEquals("FAIL", byRule.get(fired), "the fired rule is a failed rule");
        }
    }

    static Stream<Arguments> midWindow() {
        return Stream.of(
                Arguments.of("absolute error rate ends it early", m(60, 12, 40), m(200, 0, 40), new Health(true, 0, null),
                        "error-rate-absolute"),
                Arguments.of("absolute p95 ends it early", m(60, 0, 2500), m(200, 0, 40), Health.OK, "latency-p95-absolute"),
                Arguments.of("absolute trigger waits for minSamples", m(49, 40, 40), m(200, 0, 40), Health.OK, null),
                Arguments.of("absolute trigger even if the baseline lacks samples", m(60, 12, 40), m(10, 0, 40), Health.OK,
                        "error-rate-absolute"),
                Arguments.of("not when the baseline fails the same way", m(60, 12, 40), m(200, 40, 40), Health.OK, null),
                Arguments.of("relative rules wait for the window's end", m(60, 0, 600), m(200, 0, 40), Health.OK, null),
                Arguments.of("health ends it early", m(0, 0, NAN), m(0, 0, NAN), new Health(true, 2, "/health answered 503"),
                        "health-check"),
                Arguments.of("healthy so far", m(60, 1, 40), m(200, 2, 40), Health.OK, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("midWindow")
    void endsEarlyOnlyOnAbsoluteTriggers(String name, SlotMetrics canary, SlotMetrics baseline, Health health, String fired) {
        var early = new AnalysisJudge(SPEC, 25, 25).early(new Observation(canary, baseline, health, 3_000, 0));
        assertEquals(fired, early.map(d -> d.record().firedRule()).orElse(null));
        early.ifPresent(d -> assertEquals(FAIL, d.verdict()));
    }

    @Test
    void zeroBaselineErrorsExplainTheResolutionUsed() {
        Decision d = new AnalysisJudge(SPEC, 25, 25).complete(new Observation(m(100, 1, 40), m(300, 0, 40), Health.OK, 30_000, 0));
        RuleOutcome rule = rule(d, Rule.ERROR_RATE_RELATIVE.wire());
        assertEquals("1.0% <= 1.5 x 1.0% (baseline had 0 errors in 300 requests, 0.0%; compared against the resolution"
                + " of the smaller sample, 1 error in 100 requests, so one stray error does not fail the canary - the"
                + " absolute 5.0% limit still applies)", rule.detail());
        assertEquals(0.01, rule.canaryValue());
        assertEquals(0.0, rule.baselineValue());
        assertEquals(1.5, rule.limit());
    }

    @Test
    void detailsReadLikeTheGoldenSample() {
        Decision d = new AnalysisJudge(SPEC, 25, 25).complete(new Observation(m(412, 83, 38), m(1240, 6, 35), Health.OK, 4000, 0));
        assertEquals(FAIL, d.verdict());
        assertEquals("canary error rate 20.1% above 5.0%", d.record().summary());
        assertEquals("20.1% > 5.0% (83 of 412 requests)", rule(d, Rule.ERROR_RATE_ABSOLUTE.wire()).detail());
        assertEquals("20.1% > 1.5 x 0.48%", rule(d, Rule.ERROR_RATE_RELATIVE.wire()).detail());
        assertEquals(0.201456, d.record().canary().errorRate());
        assertEquals(16.48, d.record().canary().throughputPerWeight());
        assertEquals(16.533, d.record().baseline().throughputPerWeight());
    }

    @Test
    void nanLatencyIsSkippedWithTheReason() {
        Decision d = new AnalysisJudge(SPEC, 25, 25).complete(new Observation(m(250, 1, NAN), m(750, 3, 40), Health.OK, 30_000, 0));
        assertEquals("p95 unknown for the canary (no latency data): not judged", rule(d, Rule.P95_RELATIVE.wire()).detail());
        assertNull(d.record().canary().p95Ms());
        assertEquals(40.0, d.record().baseline().p95Ms());
    }

    @Test
    void zeroRequestsHaveNoRates() {
        Decision d = new AnalysisJudge(SPEC, 25, 25).complete(new Observation(m(0, 0, NAN), m(0, 0, NAN), Health.OK, 50_000, 2));
        assertNull(d.record().canary().errorRate());
        assertNull(d.record().baseline().p95Ms());
        assertEquals(0.0, d.record().canary().throughputPerWeight());
        assertEquals("too few requests after 2 extensions (canary 0, baseline 0; at least 50 each): policy PAUSE",
                d.record().summary());
    }

    @Test
    void unreadableMetricsAreInconclusiveWithTheError() {
        Decision d = new AnalysisJudge(SPEC, 25, 25).unreadable("GET http://127.0.0.1:1/metrics failed: connection refused",
                new Observation(SlotMetrics.EMPTY, SlotMetrics.EMPTY, Health.OK, 1200, 0));
        assertEquals(INCONCLUSIVE, d.verdict());
        assertEquals(Rule.METRICS.wire(), d.record().firedRule());
        assertEquals("metrics unreadable: GET http://127.0.0.1:1/metrics failed: connection refused", d.record().summary());
        assertEquals(Outcome.FAIL, rule(d, Rule.METRICS.wire()).outcome());
        assertEquals(Outcome.PASS, rule(d, Rule.HEALTH.wire()).outcome());
        assertEquals(Outcome.SKIPPED, rule(d, Rule.ERROR_RATE_RELATIVE.wire()).outcome());
    }

    @Test
    void formatsNumbersForPeople() {
        assertEquals("20.1%", AnalysisJudge.pct(0.2014));
        assertEquals("0.16%", AnalysisJudge.pct(0.0016));
        assertEquals("0.0%", AnalysisJudge.pct(0.0));
        assertEquals("38.0 ms", AnalysisJudge.ms(38.0));
        assertEquals("2000 ms", AnalysisJudge.ms(2000.0));
        assertEquals("n/a", AnalysisJudge.ms(NAN));
        assertEquals("1.5", AnalysisJudge.fmt(1.5));
        assertEquals("16.48", AnalysisJudge.fmt(16.48));
        assertEquals(List.of(true, false, false), Arrays.asList(AnalysisJudge.exceeds(0.0501, 0.05),
                AnalysisJudge.exceeds(1.5 * 0.02, 0.03), AnalysisJudge.exceeds(NAN, 1)));
    }

    private static RuleOutcome rule(Decision d, String name) {
        RuleOutcome rule = d.record().rules().stream().filter(r -> r.rule().equals(name)).findFirst().orElse(null);
        assertNotNull(rule, name + " in " + d.record().rules());
        return rule;
    }
}
