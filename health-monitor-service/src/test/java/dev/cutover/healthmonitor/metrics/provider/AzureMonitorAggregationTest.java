package dev.cutover.healthmonitor.metrics.provider;

import com.azure.resourcemanager.monitor.fluent.models.LocalizableStringInner;
import com.azure.resourcemanager.monitor.fluent.models.MetricInner;
import com.azure.resourcemanager.monitor.fluent.models.ResponseInner;
import com.azure.resourcemanager.monitor.models.MetricValue;
import com.azure.resourcemanager.monitor.models.TimeSeriesElement;
import com.azure.resourcemanager.monitor.models.Unit;
import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;
import dev.cutover.events.HealthMonitorEvent.RuleOutcome;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.healthmonitor.analysis.AnalysisJudge;
import dev.cutover.healthmonitor.analysis.AnalysisJudge.Decision;
import dev.cutover.healthmonitor.analysis.AnalysisJudge.Health;
import dev.cutover.healthmonitor.analysis.AnalysisJudge.Observation;
import dev.cutover.healthmonitor.metrics.provider.AzureMonitorMetricProvider.Minute;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Azure Monitor's per-minute answer to one slot's numbers over a window, without HTTP. */
class AzureMonitorAggregationTest {

    static final Instant M0 = Instant.parse("2026-12-01T10:00:00Z");
    static final Instant M1 = Instant.parse("2026-12-01T10:01:00Z");
    static final Instant M2 = Instant.parse("2026-12-01T10:02:00Z");

    /** One data point: requests, 5xx, response time average/maximum in seconds (null: absent) and sample count. */
    record Point(Instant at, double requests, double errors, Double averageS, Double maximumS, Double count) {
    }

    static ResponseInner response(Unit latencyUnit, Point... points) {
        List<MetricValue> requests = new ArrayList<>();
        List<MetricValue> errors = new ArrayList<>();
        List<MetricValue> latency = new ArrayList<>();
        for (Point p : points) {
            requests.add(new MetricValue().withTimestamp(p.at().atOffset(ZoneOffset.UTC)).withTotal(p.requests()));
            errors.add(new MetricValue().withTimestamp(p.at().atOffset(ZoneOffset.UTC)).withTotal(p.errors()));
            latency.add(new MetricValue().withTimestamp(p.at().atOffset(ZoneOffset.UTC)).withAverage(p.averageS())
                    .withMaximum(p.maximumS()).withCount(p.count()));
        }
        return new ResponseInner().withValue(List.of(metric("Requests", Unit.COUNT, requests),
                metric("Http5xx", Unit.COUNT, errors), metric("HttpResponseTime", latencyUnit, latency)));
    }

    static MetricInner metric(String name, Unit unit, List<MetricValue> data) {
        return new MetricInner().withName(new LocalizableStringInner().withValue(name)).withUnit(unit)
                .withTimeseries(List.of(new TimeSeriesElement().withData(data)));
    }

    @Test
    void countsAddUpOverTheMinutesWithWhatTheFirstHadCountedAtOpenTakenOut() {
        Map<Instant, Minute> minutes = AzureMonitorMetricProvider.minutes("r", response(Unit.SECONDS,
                new Point(M0, 40, 4, 0.1, 0.3, 40.0), new Point(M1, 100, 1, 0.05, 0.2, 100.0),
                new Point(M2, 10, 0, 0.05, 0.1, 10.0)));
        Minute atOpen = new Minute(30, 4, 30 * 100.0, 30, 300);

        SlotMetrics window = AzureMonitorMetricProvider.window(atOpen, M0, minutes);

        assertEquals(10 + 100 + 10, window.requests(), "10 of the first minute after open, then all");
        assertEquals(0 + 1, window.errors(), "the first minute's 4 errors were all before open");
    }

    @Test
    void minutesBeforeTheWindowAreIgnored() {
        Map<Instant, Minute> minutes = AzureMonitorMetricProvider.minutes("r", response(Unit.SECONDS,
                new Point(M0, 500, 500, 1.0, 9.0, 500.0), new Point(M1, 20, 2, 0.02, 0.04, 20.0)));

        SlotMetrics window = AzureMonitorMetricProvider.window(Minute.ZERO, M1, minutes);

        assertEquals(20, window.requests());
        assertEquals(2, window.errors());
        assertEquals(40.0, window.p95Ms(), 1e-9, "the maximum of the window's minutes only");
    }

    @Test
    void p95IsBoundedByTheMaximumAboveAndByWhatTheMeanForcesBelow() {
        // 100 requests at a mean of 400 ms with a slowest of 1000 ms: at most 5 can be above the p95, each at most
        // 1000 ms, so the other 95 average at least (400 - 0.05 x 1000) / 0.95 = 368.4 ms
        Map<Instant, Minute> minutes = AzureMonitorMetricProvider.minutes("r", response(Unit.SECONDS,
                new Point(M0, 50, 0, 0.3, 0.9, 50.0), new Point(M1, 50, 0, 0.5, 1.0, 50.0)));

        SlotMetrics window = AzureMonitorMetricProvider.window(Minute.ZERO, M0, minutes);

        assertEquals(1000.0, window.p95Ms(), 1e-9);
        assertEquals((400 - 50) / 0.95, window.p95LowMs(), 1e-6);
        assertTrue(window.p95LowMs() <= window.p95Ms());
    }

    @Test
    void theFirstMinutesMeanIsTakenApartFromWhatWasCountedBeforeOpen() {
        // 10 requests at 100 ms before open, then 10 at 500 ms: the minute says 20 at a mean of 300 ms
        Map<Instant, Minute> minutes = AzureMonitorMetricProvider.minutes("r", response(Unit.SECONDS,
                new Point(M0, 20, 0, 0.3, 0.5, 20.0)));
        Minute atOpen = new Minute(10, 0, 1000, 10, 100);

        SlotMetrics window = AzureMonitorMetricProvider.window(atOpen, M0, minutes);

        assertEquals(10, window.requests());
        assertEquals(500.0, window.p95Ms(), 1e-9);
        assertEquals((500 - 25) / 0.95, window.p95LowMs(), 1e-6, "from the window's own mean of 500 ms");
    }

    @Test
    void millisecondUnitsAreTakenAsThey() {
        Map<Instant, Minute> minutes = AzureMonitorMetricProvider.minutes("r", response(Unit.MILLI_SECONDS,
                new Point(M0, 10, 0, 200.0, 300.0, 10.0)));

        assertEquals(300.0, AzureMonitorMetricProvider.window(Minute.ZERO, M0, minutes).p95Ms(), 1e-9);
    }

    @Test
    void withoutAMaximumOrWithoutRequestsTheP95IsUnknown() {
        Map<Instant, Minute> noMaximum = AzureMonitorMetricProvider.minutes("r", response(Unit.SECONDS,
                new Point(M0, 10, 1, 0.2, null, 10.0)));
        Map<Instant, Minute> noRequests = AzureMonitorMetricProvider.minutes("r", response(Unit.SECONDS,
                new Point(M0, 0, 0, null, null, 0.0)));

        SlotMetrics a = AzureMonitorMetricProvider.window(Minute.ZERO, M0, noMaximum);
        SlotMetrics b = AzureMonitorMetricProvider.window(Minute.ZERO, M0, noRequests);

        assertEquals(10, a.requests());
        assertEquals(1, a.errors());
        assertTrue(Double.isNaN(a.p95Ms()));
        assertEquals(0, b.requests());
        assertTrue(Double.isNaN(b.p95Ms()));
    }

    @Test
    void aMissingMetricIsUnavailableNotZero() {
        ResponseInner onlyRequests = new ResponseInner().withValue(List.of(metric("Requests", Unit.COUNT,
                List.of(new MetricValue().withTimestamp(M0.atOffset(ZoneOffset.UTC)).withTotal(5.0)))));

        assertThrows(MetricsUnavailableException.class, () -> AzureMonitorMetricProvider.minutes("r", onlyRequests));
    }

    @Test
    void errorsNeverExceedRequests() {
        Map<Instant, Minute> minutes = AzureMonitorMetricProvider.minutes("r", response(Unit.SECONDS,
                new Point(M0, 3, 5, 0.1, 0.1, 3.0)));

        SlotMetrics window = AzureMonitorMetricProvider.window(Minute.ZERO, M0, minutes);

        assertEquals(3, window.errors(), "Azure Monitor counts each metric apart; the rate stays at most 100 %");
    }

    // ---- what the judge makes of these bounds (the judge itself is the local one, unchanged) ----

    static final AnalysisSpec SPEC = new AnalysisSpec(60_000, 1000, 50, 0, 0, InsufficientDataPolicy.PAUSE, 1.5, 1.2,
            0.8, 0.05, 1000, null, 0);

    static SlotMetrics slot(double requests, double meanS, double maxS) {
        return AzureMonitorMetricProvider.window(Minute.ZERO, M0, AzureMonitorMetricProvider.minutes("r",
                response(Unit.SECONDS, new Point(M0, requests, 0, meanS, maxS, requests))));
    }

    static Map<String, String> outcomes(Decision d) {
        return d.record().rules().stream().collect(Collectors.toMap(RuleOutcome::rule, r -> r.outcome().name()));
    }

    static Decision judge(SlotMetrics canary, SlotMetrics baseline) {
        return new AnalysisJudge(SPEC, 50, 50).complete(new Observation(canary, baseline, Health.NOT_PROBED, 60_000, 0));
    }

    @Test
    void aCanaryWhoseMeanAloneIsOverTheLimitFailsOnLatency() {
        Decision d = judge(slot(200, 1.5, 2.0), slot(200, 0.05, 0.2));

        assertEquals(Verdict.FAIL, d.verdict(), d.record().summary());
        assertEquals("latency-p95-absolute", d.record().firedRule(), "p95 at least (1500 - 100) / 0.95 ms > 1000 ms");
    }

    @Test
    void oneSlowCanaryRequestIsNotASlowCanary() {
        Decision d = judge(slot(200, 0.05, 3.0), slot(200, 0.05, 0.2));

        assertEquals(Verdict.PASS, d.verdict(), d.record().summary());
        assertEquals(3000.0, d.record().canary().p95Ms(), 1e-9, "the record shows the maximum, the upper bound");
        assertEquals("PASS", outcomes(d).get("latency-p95-absolute"));
        assertEquals("PASS", outcomes(d).get("latency-p95-relative"));
    }

    @Test
    void aBaselineWhoseSlowestRequestIsOverTheLimitMakesItInconclusiveNotAFalseVerdict() {
        Decision d = judge(slot(200, 0.05, 0.2), slot(200, 0.05, 3.0));

        assertEquals(Verdict.INCONCLUSIVE, d.verdict(), d.record().summary());
        assertEquals("baseline-sanity", d.record().firedRule());
    }
}
