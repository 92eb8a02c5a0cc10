package dev.cutover.healthmonitor.metrics.provider;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing the router's Prometheus text, windows as differences, counter resets, p95 from buckets. */
class RouterSnapshotTest {

    static final List<String> SLOTS = List.of("canary", "stable");

    static String text(long canaryOk, long canary5xx, double[] canaryBuckets, long stableOk) {
        StringBuilder b = new StringBuilder("""
                # HELP cutover_router_requests_total Requests forwarded, by backend, version and status class
                # TYPE cutover_router_requests_total counter
                """);
        b.append("cutover_router_requests_total{backend=\"canary\",status_class=\"2xx\",version=\"v2\"} ").append(canaryOk).append(".0\n");
        b.append("cutover_router_requests_total{backend=\"canary\",status_class=\"5xx\",version=\"v2\"} ").append(canary5xx).append(".0\n");
        b.append("cutover_router_requests_total{backend=\"stable\",status_class=\"2xx\",version=\"v1\"} ").append(stableOk).append(".0\n");
        b.append("cutover_router_requests_total{backend=\"other\",status_class=\"2xx\",version=\"v1\"} 999.0\n");
        b.append("# TYPE cutover_router_errors_total counter\n");
        b.append("cutover_router_errors_total{backend=\"canary\"} ").append(canary5xx).append(".0\n");
        b.append("cutover_router_errors_total{backend=\"stable\"} 0.0\n");
        b.append("# TYPE cutover_router_request_duration_seconds histogram\n");
        String[] les = {"0.1", "0.2", "0.5", "1.0", "+Inf"};
        for (int i = 0; i < les.length; i++) {
            b.append("cutover_router_request_duration_seconds_bucket{backend=\"canary\",le=\"").append(les[i]).append("\"} ")
                    .append((long) canaryBuckets[i]).append('\n');
        }
        b.append("cutover_router_request_duration_seconds_count{backend=\"canary\"} ").append((long) canaryBuckets[4]).append('\n');
        b.append("cutover_router_inflight{backend=\"canary\"} 0.0\n");
        return b.toString();
    }

    static RouterSnapshot snapshot(String text) {
        return RouterSnapshot.of(PrometheusText.parse(text), SLOTS);
    }

    @Test
    void aWindowIsTheDifferenceSinceItsStart() {
        RouterSnapshot start = snapshot(text(100, 10, new double[]{50, 100, 110, 110, 110}, 500));
        RouterSnapshot now = snapshot(text(180, 30, new double[]{50, 100, 190, 210, 210}, 900));
        Map<String, SlotMetrics> window = now.since(start);

        assertEquals(100, window.get("canary").requests());
        assertEquals(20, window.get("canary").errors());
        // 100 new observations: 80 in (0.2, 0.5], 20 in (0.5, 1.0]; rank 95 lies in the last: 0.5 + 0.5 x 15/20
        assertEquals(875.0, window.get("canary").p95Ms(), 1e-9);
        // its 95 % lower bound is the 91st of 100 observations: 0.5 + 0.5 x 11/20
        assertEquals(775.0, window.get("canary").p95LowMs(), 1e-9);
        assertEquals(400, window.get("stable").requests());
        assertTrue(Double.isNaN(window.get("stable").p95Ms()), "no histogram, no p95");
    }

    @Test
    void aCounterThatWentDownMeansTheRouterRestarted() {
        RouterSnapshot start = snapshot(text(1000, 50, new double[]{1000, 1050, 1050, 1050, 1050}, 5000));
        RouterSnapshot now = snapshot(text(40, 2, new double[]{40, 42, 42, 42, 42}, 120));
        Map<String, SlotMetrics> window = now.since(start);
        assertEquals(42, window.get("canary").requests());
        assertEquals(2, window.get("canary").errors());
        assertEquals(120, window.get("stable").requests());
        assertTrue(window.get("canary").p95Ms() > 0 && window.get("canary").p95Ms() <= 200, "p95 from the current buckets");
    }

    @Test
    void aSlotTheRouterDoesNotKnowIsAbsent() {
        RouterSnapshot now = RouterSnapshot.of(PrometheusText.parse("cutover_router_errors_total{backend=\"x\"} 1.0\n"), SLOTS);
        assertEquals(Map.of(), now.since(now));
    }

    @Test
    void quantileInterpolatesLinearlyInsideTheBucket() {
        TreeMap<Double, Double> buckets = new TreeMap<>(Map.of(0.1, 0.0, 0.2, 100.0, Double.POSITIVE_INFINITY, 100.0));
        assertEquals(0.195, RouterSnapshot.quantile(0.95, buckets), 1e-12);
        assertEquals(0.15, RouterSnapshot.quantile(0.5, buckets), 1e-12);
        // everything in the first bucket: interpolated from 0
        assertEquals(0.095, RouterSnapshot.quantile(0.95, new TreeMap<>(Map.of(0.1, 10.0, Double.POSITIVE_INFINITY, 10.0))), 1e-12);
        // the rank in +Inf answers the highest finite bound, as histogram_quantile does
        assertEquals(0.1, RouterSnapshot.quantile(0.95, new TreeMap<>(Map.of(0.1, 1.0, Double.POSITIVE_INFINITY, 10.0))), 1e-12);
        assertTrue(Double.isNaN(RouterSnapshot.quantile(0.95, new TreeMap<>(Map.of(0.1, 0.0, Double.POSITIVE_INFINITY, 0.0)))));
        assertTrue(Double.isNaN(RouterSnapshot.quantile(0.95, new TreeMap<>())));
    }

    @Test
    void parsesEscapesSpecialValuesAndTimestamps() {
        List<PrometheusText.Sample> samples = PrometheusText.parse("""
                # comment
                m{a="x\\"y",b="1\\\\2", c="new\\nline"} 1.5e3 1700000000000
                plain NaN

                inf{le="+Inf"} +Inf
                """);
        assertEquals(3, samples.size());
        assertEquals(Map.of("a", "x\"y", "b", "1\\2", "c", "new\nline"), samples.get(0).labels());
        assertEquals(1500.0, samples.get(0).value());
        assertTrue(Double.isNaN(samples.get(1).value()));
        assertEquals(Double.POSITIVE_INFINITY, samples.get(2).value());
    }

    @Test
    void garbageIsUnavailableNamingTheLine() {
        MetricsUnavailableException e = assertThrows(MetricsUnavailableException.class,
                () -> PrometheusText.parse("ok 1\n<html>not metrics</html>\n"));
        assertTrue(e.getMessage().startsWith("unreadable metrics line 2"), e.getMessage());
    }
}
