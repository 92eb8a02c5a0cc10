package dev.cutover.healthmonitor.metrics.provider;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import dev.cutover.azure.standin.ArmStandIn;
import dev.cutover.azure.standin.Call;
import dev.cutover.azure.standin.Fault;
import dev.cutover.azure.standin.insights.InsightsStandIn;
import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.HealthMonitorEvent.RuleOutcome;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.healthmonitor.analysis.Analyses;
import dev.cutover.healthmonitor.check.HttpProbeClient;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Azure Monitor provider through the real SDK ({@code MonitorManager}'s metrics client on the JDK HTTP client)
 * against the ARM stand-in's {@code Microsoft.Insights/metrics} API, fed with requests recorded per slot resource
 * as the stand-in's App Service front end records them; and whole analyses by the real judge on those numbers.
 */
class AzureMonitorMetricProviderTest {

    static final String SITE = "/subscriptions/sub-1/resourceGroups/shop-rg/providers/Microsoft.Web/sites/shop-prod";
    static final String STAGING = SITE + "/slots/staging";
    static final String METRICS_URL = "azure-monitor:" + SITE + "?blue=production&green=staging";
    static final String METRICS_CALLS = "/providers/Microsoft\\.Insights/metrics$";
    static final Target TARGET = new Target("shop", "prod");

    final ArmStandIn arm = ArmStandIn.start();
    final ExecutorService executor = Executors.newFixedThreadPool(2);
    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    final AzureMonitorMetricProvider provider = new AzureMonitorMetricProvider(clients(arm.url()), 2000, Clock.systemUTC(),
            executor);
    ScheduledFuture<?> traffic;

    AzureMonitorMetricProviderTest() {
        InsightsStandIn.install(arm);
        arm.put(SITE, ArmStandIn.JSON.createObjectNode().put("location", "westeurope"));
        arm.put(STAGING, ArmStandIn.JSON.createObjectNode().put("location", "westeurope"));
    }

    AzureMonitorClients clients(String endpoint) {
        return new AzureMonitorClients(new JdkHttpClientBuilder().executor(executor).build(), endpoint, null, null);
    }

    @AfterEach
    void stop() {
        if (traffic != null) {
            traffic.cancel(true);
        }
        scheduler.shutdownNow();
        executor.shutdownNow();
        arm.close();
    }

    void record(String resourceId, int count, int status, double latencyMs) {
        for (int i = 0; i < count; i++) {
            arm.metrics().record(resourceId, Instant.now(), status, latencyMs);
        }
    }

    static <T> T join(CompletableFuture<T> future) {
        return future.orTimeout(10, TimeUnit.SECONDS).join();
    }

    List<Call> metricCalls() {
        return arm.calls().matching("GET", ".*" + METRICS_CALLS);
    }

    @Test
    void aWindowCountsPerSlotWhatWasServedAfterItOpened() {
        record(SITE, 7, 200, 10);
        record(STAGING, 5, 500, 10);

        MetricWindow window = join(provider.open(TARGET, METRICS_URL, List.of("green", "blue")));
        record(SITE, 30, 200, 20);
        record(SITE, 3, 503, 20);
        record(STAGING, 10, 200, 80);
        record(STAGING, 2, 500, 80);
        Map<String, SlotMetrics> read = join(window.read());

        SlotMetrics blue = read.get("blue");
        SlotMetrics green = read.get("green");
        assertEquals(33, blue.requests(), "only after open: " + read);
        assertEquals(3, blue.errors());
        assertEquals(12, green.requests());
        assertEquals(2, green.errors());
        assertEquals(80.0, green.p95Ms(), 1e-6, "HttpResponseTime's maximum, an upper bound");
        assertEquals((80 - 0.05 * 80) / 0.95, green.p95LowMs(), 1e-6, "every request 80 ms: the bound is the p95 itself");
        assertEquals(2, metricCalls().size() / 2, "one call per slot to open, one per slot to read");
        assertTrue(metricCalls().stream().allMatch(c -> "2018-01-01".equals(c.apiVersion())), metricCalls().toString());
    }

    @Test
    void aWindowResumedFromItsCheckpointCountsWhatTheOriginalCounts() {
        record(SITE, 7, 200, 10);
        record(STAGING, 5, 500, 10);
        MetricWindow original = join(provider.open(TARGET, METRICS_URL, List.of("green", "blue")));
        record(SITE, 4, 200, 20);
        String checkpoint = original.checkpoint();
        int callsBefore = metricCalls().size();

        AzureMonitorMetricProvider restarted = new AzureMonitorMetricProvider(clients(arm.url()), 2000,
                Clock.systemUTC(), executor);
        MetricWindow resumed = join(restarted.resume(TARGET, METRICS_URL, List.of("green", "blue"), checkpoint));
        assertEquals(callsBefore, metricCalls().size(), "nothing to read to resume");
        record(SITE, 6, 503, 20);
        record(STAGING, 9, 200, 80);

        Map<String, SlotMetrics> expected = join(original.read());
        assertEquals(10, expected.get("blue").requests(), "only after open: " + expected);
        assertEquals(expected, join(resumed.read()));
        assertEquals(checkpoint, resumed.checkpoint());
    }

    @Test
    void aSlotTheSourceDoesNotNameReadsEmptyWithoutACall() {
        MetricWindow window = join(provider.open(TARGET, METRICS_URL, List.of("blue", "canary")));
        record(SITE, 4, 200, 5);

        Map<String, SlotMetrics> read = join(window.read());

        assertEquals(4, read.get("blue").requests());
        assertSame(SlotMetrics.EMPTY, read.get("canary"));
        assertEquals(2, metricCalls().size(), "open and read of blue only");
    }

    @Test
    void refusalsOfAzureMonitorAreUnavailableMetrics() {
        MetricWindow window = join(provider.open(TARGET, METRICS_URL, List.of("blue", "green")));
        for (Fault fault : List.of(Fault.unauthorized(), Fault.throttled(Duration.ofSeconds(30)), Fault.serverError())) {
            int before = metricCalls().size();
            arm.faults().next("GET", METRICS_CALLS, fault.times(2));

            CompletionException failed = assertThrows(CompletionException.class, () -> join(window.read()));

            assertInstanceOf(MetricsUnavailableException.class, failed.getCause(), fault + ": " + failed);
            assertEquals(before + 2, metricCalls().size(), fault + ": one call per slot, no retries");
        }
        assertEquals(2, join(window.read()).size(), "reads again once Azure Monitor answers");
    }

    @Test
    void aResourceThatDoesNotExistIsUnavailableMetrics() {
        String missing = "azure-monitor:" + SITE + "?blue=production&green=no-such-slot";

        CompletionException failed = assertThrows(CompletionException.class,
                () -> join(provider.open(TARGET, missing, List.of("blue", "green"))));

        assertInstanceOf(MetricsUnavailableException.class, failed.getCause());
    }

    @Test
    void anUnreachableAzureMonitorIsUnavailableMetrics() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AzureMonitorMetricProvider unreachable = new AzureMonitorMetricProvider(clients("http://127.0.0.1:" + closedPort),
                2000, Clock.systemUTC(), executor);

        CompletionException failed = assertThrows(CompletionException.class,
                () -> join(unreachable.open(TARGET, METRICS_URL, List.of("blue", "green"))));

        assertInstanceOf(MetricsUnavailableException.class, failed.getCause());
    }

    @Test
    void anAzureMonitorThatDoesNotAnswerInTimeIsUnavailableMetrics() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer silent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        silent.createContext("/", exchange -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        ExecutorService handlers = Executors.newCachedThreadPool();
        silent.setExecutor(handlers);
        silent.start();
        try {
            AzureMonitorMetricProvider slow = new AzureMonitorMetricProvider(
                    clients("http://127.0.0.1:" + silent.getAddress().getPort()), 300, Clock.systemUTC(), executor);

            CompletionException failed = assertThrows(CompletionException.class,
                    () -> join(slow.open(TARGET, METRICS_URL, List.of("blue"))));

            assertInstanceOf(MetricsUnavailableException.class, failed.getCause());
            assertTrue(failed.getCause().getMessage().contains("300 ms"), failed.getCause().getMessage());
        } finally {
            release.countDown();
            silent.stop(0);
            handlers.shutdownNow();
        }
    }

    @Test
    void aMetricsUrlWithTheAzureMonitorSchemeIsReadFromAzureMonitorAnyOtherFromTheConfiguredProvider() {
        MetricProvider router = new RouterMetricProvider(java.net.http.HttpClient.newHttpClient(), 2000);
        MetricProviders providers = MetricProviderProducer.choose(router, provider);

        assertSame(provider, providers.forMetricsUrl(METRICS_URL));
        assertSame(router, providers.forMetricsUrl("http://127.0.0.1:18081"));
        assertEquals("azure-monitor", providers.forMetricsUrl(METRICS_URL).name());
    }

    // ---- whole analyses by the real judge ----

    final List<AnalysisCompleted> published = new CopyOnWriteArrayList<>();

    Analyses analyses() {
        MetricProvider router = new RouterMetricProvider(java.net.http.HttpClient.newHttpClient(), 2000);
        return new Analyses(MetricProviderProducer.choose(router, provider), new HttpProbeClient(scheduler, 200),
                scheduler, new SimpleMeterRegistry(), published::add, 50, 1000, 100);
    }

    /** Blue (production, the baseline) and green (staging, the canary) served half each, every 5 ms. */
    void serve(double canaryErrorRate) {
        AtomicLong n = new AtomicLong();
        long errorEvery = canaryErrorRate <= 0 ? Long.MAX_VALUE : Math.round(1 / canaryErrorRate);
        traffic = scheduler.scheduleAtFixedRate(() -> {
            long i = n.incrementAndGet();
            arm.metrics().record(SITE, Instant.now(), 200, 20 + i % 7);
            arm.metrics().record(STAGING, Instant.now(), i % errorEvery == 0 ? 500 : 200, 20 + i % 5);
        }, 0, 5, TimeUnit.MILLISECONDS);
    }

    RunAnalysis command() {
        AnalysisSpec spec = new AnalysisSpec(2000, 250, 50, 0, 0, InsufficientDataPolicy.PAUSE, 1.5, 1.2, 0.8, 0.05,
                2000, null, 0);
        return new RunAnalysis(Meta.start("d-" + UUID.randomUUID()), TARGET, "green", "blue", 2, 50, METRICS_URL, null,
                spec);
    }

    AnalysisCompleted verdict(Analyses analyses, RunAnalysis command) {
        assertEquals(List.of(), Analyses.problemsOf(command), "an azure-monitor: metricsUrl is a valid command");
        analyses.submit(command);
        await().atMost(Duration.ofSeconds(15)).until(() -> !published.isEmpty());
        analyses.cancelAll();
        return published.get(0);
    }

    static Map<String, String> outcomes(AnalysisCompleted e) {
        return e.decision().rules().stream().collect(Collectors.toMap(RuleOutcome::rule, r -> r.outcome().name()));
    }

    @Test
    void aCanaryWithServerErrorsAgainstACleanBaselineFails() {
        serve(0.2);

        AnalysisCompleted done = verdict(analyses(), command());

        assertEquals(Verdict.FAIL, done.verdict(), done.decision().summary() + " " + done.decision().rules());
        assertEquals("error-rate-absolute", done.decision().firedRule());
        assertEquals("azure-monitor", done.decision().metricProvider());
        assertEquals(0L, done.decision().baseline().errors());
        double rate = done.decision().canary().errorRate();
        assertTrue(rate > 0.15 && rate < 0.25, "about 20 %: " + done.decision().canary());
    }

    @Test
    void aCleanCanaryPassesWithLatencyJudgedByItsBounds() {
        serve(0);

        AnalysisCompleted done = verdict(analyses(), command());

        assertEquals(Verdict.PASS, done.verdict(), done.decision().summary() + " " + done.decision().rules());
        assertEquals("azure-monitor", done.decision().metricProvider());
        assertEquals(Map.of("health-check", "SKIPPED", "min-samples", "PASS", "baseline-sanity", "PASS",
                "error-rate-absolute", "PASS", "latency-p95-absolute", "PASS", "error-rate-relative", "PASS",
                "latency-p95-relative", "PASS", "throughput-relative", "PASS"), outcomes(done));
        assertEquals(24.0, done.decision().canary().p95Ms(), 1e-6, "the canary's slowest, 20 + 4 ms");
        assertTrue(done.decision().canary().requests() >= 100, done.decision().canary().toString());
    }
}
