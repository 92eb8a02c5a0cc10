package dev.cutover.healthmonitor.analysis;

import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.HealthMonitorEvent.RuleOutcome;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.healthmonitor.check.HttpProbeClient;
import dev.cutover.healthmonitor.check.TestHttpServer;
import dev.cutover.healthmonitor.metrics.provider.MetricProvider;
import dev.cutover.healthmonitor.metrics.provider.RouterMetricProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole analyses on the real data plane: an in-process router in front of two in-process sample apps, real
 * traffic through the router, the router metric provider reading the router's admin /metrics.
 */
class CanaryAnalysisOnRouterTest {

    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    final HttpClient http = HttpClient.newBuilder().executor(scheduler).build();
    final MetricProvider provider = new RouterMetricProvider(http, 2000);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<AnalysisCompleted> published = new CopyOnWriteArrayList<>();
    final Map<String, Long> publishedAtNanos = new ConcurrentHashMap<>();
    final Analyses analyses = new Analyses(provider, new HttpProbeClient(scheduler, 200), scheduler, registry, event -> {
        publishedAtNanos.put(event.meta().causationId(), System.nanoTime());
        published.add(event);
    }, 50, 1000, 100);
    DataPlane plane;
    Traffic traffic;

    @AfterEach
    void stop() {
        analyses.cancelAll();
        if (traffic != null) {
            traffic.close();
        }
        if (plane != null) {
            plane.close();
        }
        scheduler.shutdownNow();
    }

    /** Short windows for tests: 3 s, probes every 250 ms, 20 samples, no extension. */
    static AnalysisSpec spec(long windowMs, long probeIntervalMs, int maxExtensions, long extensionMs) {
        return new AnalysisSpec(windowMs, probeIntervalMs, 20, maxExtensions, extensionMs, InsufficientDataPolicy.PAUSE,
                1.5, 1.2, 0.8, 0.05, 2000, List.of("/health"), 2);
    }

    RunAnalysis command(AnalysisSpec spec, int weight) {
        return new RunAnalysis(Meta.start("d-" + UUID.randomUUID()), new Target("shop", "test"), DataPlane.CANARY,
                DataPlane.STABLE, 1, weight, plane.metricsUrl(), plane.canaryUrl(), spec);
    }

    /** Starts the data plane with {@code canaryFaults} at a 50 % canary and submits an analysis of it. */
    RunAnalysis analyse(Map<String, String> canaryFaults, AnalysisSpec spec) throws Exception {
        plane = DataPlane.start(canaryFaults, 50);
        RunAnalysis command = command(spec, 50);
        analyses.submit(command);
        return command;
    }

    /** The verdict on {@code command}, within 10 s. */
    AnalysisCompleted awaitVerdict(RunAnalysis command) {
        await().atMost(Duration.ofSeconds(10)).until(() -> published.stream().anyMatch(e -> isFor(e, command)));
        return published.stream().filter(e -> isFor(e, command)).findFirst().orElseThrow();
    }

    static boolean isFor(AnalysisCompleted e, RunAnalysis command) {
        return command.meta().messageId().equals(e.meta().causationId());
    }

    /** The verdict on {@code command} (within 10 s) is {@code verdict}, decided by {@code firedRule}. */
    AnalysisCompleted awaitVerdict(RunAnalysis command, Verdict verdict, String firedRule) {
        AnalysisCompleted done = awaitVerdict(command);
        assertEquals(verdict, done.verdict(), done.decision().summary() + " " + done.decision().rules());
        assertEquals(firedRule, done.decision().firedRule(), done.decision().summary());
        return done;
    }

    static Map<String, String> outcomes(AnalysisCompleted e) {
        return e.decision().rules().stream().collect(Collectors.toMap(RuleOutcome::rule, r -> r.outcome().name()));
    }

    @Test
    void canaryWithTwentyPercentErrorsFailsEarlyOnTheAbsoluteErrorRate() throws Exception {
        RunAnalysis command = analyse(Map.of("SAMPLE_ERROR_RATE", "0.2"), spec(3000, 250, 0, 0));
        traffic = Traffic.start(plane.trafficUrl(), 4, 20_000);

        AnalysisCompleted done = awaitVerdict(command, Verdict.FAIL, "error-rate-absolute");
        assertTrue(done.decision().summary().startsWith("canary error rate "), done.decision().summary());
        assertTrue(done.decision().canary().errorRate() > 0.15 && done.decision().canary().errorRate() < 0.25,
                "about 20 %: " + done.decision().canary());
        assertEquals(0L, done.decision().baseline().errors());
        assertTrue(done.decision().windowMs() < 3000, "ended before the window: " + done.decision().windowMs());
        assertEquals(command.meta().deploymentId(), done.meta().deploymentId());
        assertEquals(command.meta().correlationId(), done.meta().correlationId());
        assertEquals(DataPlane.CANARY, done.canarySlot());
        assertEquals(1, done.step());
        assertEquals(1.0, registry.get("cutover.healthmonitor.analyses").tag("verdict", "FAIL")
                .tag("rule", "error-rate-absolute").counter().count());
        assertEquals(1, registry.get("cutover.healthmonitor.analysis.duration").tag("verdict", "FAIL").timer().count());
    }

    @Test
    void canaryWith500MsMoreLatencyFailsOnTheRelativeP95() throws Exception {
        RunAnalysis command = analyse(Map.of("SAMPLE_LATENCY_MS", "500"), spec(3000, 250, 0, 0));
        traffic = Traffic.start(plane.trafficUrl(), 16, 20_000);

        AnalysisCompleted done = awaitVerdict(command, Verdict.FAIL, "latency-p95-relative");
        assertEquals("PASS", outcomes(done).get("latency-p95-absolute"), "500 ms is under the absolute 2000 ms");
        // on a busy host both sides get slower; the canary's extra 500 ms stays
        assertTrue(done.decision().canary().p95Ms() >= 450, "p95 at least 500 ms: " + done.decision().canary());
        assertTrue(done.decision().canary().p95Ms() > done.decision().baseline().p95Ms() * 1.2, done.decision().toString());
        assertTrue(done.decision().windowMs() >= 3000, "judged at the window's end: " + done.decision().windowMs());
    }

    @Test
    void healthyCanaryPassesWithEveryRuleJudged() throws Exception {
        RunAnalysis command = analyse(Map.of(), spec(4000, 250, 0, 0));
        traffic = Traffic.start(plane.trafficUrl(), 2, 50_000);

        AnalysisCompleted done = awaitVerdict(command, Verdict.PASS, null);
        assertEquals(Map.of("health-check", "PASS", "min-samples", "PASS", "baseline-sanity", "PASS",
                "error-rate-absolute", "PASS", "latency-p95-absolute", "PASS", "error-rate-relative", "PASS",
                "latency-p95-relative", "PASS", "throughput-relative", "PASS"), outcomes(done));
        assertTrue(done.decision().canary().requests() >= 20 && done.decision().baseline().requests() >= 20);
        assertTrue(done.decision().summary().startsWith("canary healthy against the baseline"), done.decision().summary());
    }

    @Test
    void noTrafficIsInsufficientDataAfterTheExtensions() throws Exception {
        RunAnalysis command = analyse(Map.of(), spec(1000, 250, 1, 500));

        AnalysisCompleted done = awaitVerdict(command, Verdict.INSUFFICIENT_DATA, "min-samples");
        assertEquals("PAUSE", done.decision().policyApplied());
        assertEquals(1, done.decision().extensions());
        assertTrue(done.decision().windowMs() >= 1500, "window 1000 ms + one 500 ms extension: " + done.decision().windowMs());
        assertEquals(0L, done.decision().canary().requests());
        assertEquals("SKIPPED", outcomes(done).get("latency-p95-relative"));
    }

    /** The measurement asked for: from the canary's health starting to fail to the FAIL verdict, probing every 1 s. */
    @Test
    void failingHealthEndsTheAnalysisWithinTheFailureThreshold() throws Exception {
        RunAnalysis command = analyse(Map.of("SAMPLE_FAIL_HEALTH_AFTER_REQUESTS", "1"), spec(30_000, 1000, 0, 0));
        await().atMost(Duration.ofSeconds(5)).until(() -> plane.canary().rootRequests() == 0
                && registry.find("cutover.healthmonitor.analyses.running").gauge().value() == 1.0);

        // one request to the canary breaks its /health from now on
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(plane.canaryUrl() + "/")).build(), HttpResponse.BodyHandlers.ofString());
        long brokeAt = System.nanoTime();
        assertEquals(200, response.statusCode());

        AnalysisCompleted done = awaitVerdict(command);
        long detectionMs = TimeUnit.NANOSECONDS.toMillis(publishedAtNanos.get(command.meta().messageId()) - brokeAt);
        System.out.printf("health failing -> FAIL verdict: %d ms (probe interval 1000 ms, threshold 2)%n", detectionMs);
        assertEquals(Verdict.FAIL, done.verdict());
        assertEquals("health-check", done.decision().firedRule());
        assertTrue(done.decision().summary().contains("/health answered 503")
                && done.decision().summary().contains("SAMPLE_FAIL_HEALTH_AFTER_REQUESTS"), done.decision().summary());
        assertTrue(done.decision().windowMs() < 30_000, "early, not at the window's end: " + done.decision().windowMs());
    }

    @Test
    void unreadableMetricsAreInconclusive() throws Exception {
        plane = DataPlane.start(Map.of(), 50);
        RunAnalysis command = new RunAnalysis(Meta.start("d-" + UUID.randomUUID()), new Target("shop", "test"),
                DataPlane.CANARY, DataPlane.STABLE, 1, 50, "http://127.0.0.1:" + TestHttpServer.closedPort(),
                plane.canaryUrl(), spec(3000, 250, 0, 0));
        analyses.submit(command);

        AnalysisCompleted done = awaitVerdict(command, Verdict.INCONCLUSIVE, "metrics-readable");
        assertTrue(done.decision().summary().matches("metrics unreadable: GET http://127\\.0\\.0\\.1:\\d+/metrics failed: connection refused"),
                done.decision().summary());
    }

    @Test
    void aSeenCommandIsIgnoredAndANewOneForTheDeploymentReplacesTheRunningOne() throws Exception {
        plane = DataPlane.start(Map.of(), 50);
        RunAnalysis first = command(spec(60_000, 250, 0, 0), 50);
        RunAnalysis second = new RunAnalysis(Meta.causedBy(first.meta()), first.target(), DataPlane.CANARY, DataPlane.STABLE,
                2, 50, first.metricsUrl(), first.canaryUrl(), spec(500, 250, 0, 0));
        assertTrue(analyses.submit(first));
        assertFalse(analyses.submit(first));
        assertTrue(analyses.submit(second));
        assertEquals(1, analyses.runningCount());

        AnalysisCompleted done = awaitVerdict(second);
        assertEquals(2, done.step());
        assertEquals(Verdict.INSUFFICIENT_DATA, done.verdict());
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> published.size() == 1);
        assertEquals(0, analyses.runningCount());
    }
}
