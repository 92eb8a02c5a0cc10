package dev.cutover.healthmonitor.metrics.provider;

import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.healthmonitor.analysis.Analyses;
import dev.cutover.healthmonitor.analysis.AnalysisConfig;
import dev.cutover.healthmonitor.analysis.DataPlane;
import dev.cutover.healthmonitor.analysis.Traffic;
import dev.cutover.healthmonitor.check.HttpProbeClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The prometheus provider against a real Prometheus (the Debian package's binary) scraping a real in-process
 * router every second. Skipped, saying why, when no {@code prometheus} binary is installed.
 */
class PrometheusMetricProviderTest {

    static final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    static final HttpClient http = HttpClient.newBuilder().executor(scheduler).build();
    /** The shipped default queries, as the service reads them from its configuration. */
    static final PrometheusMetricProvider.Queries QUERIES = defaults();
    static final Target SHOP = new Target("shop", "test");

    static PrometheusMetricProvider.Queries defaults() {
        AnalysisConfig.Prometheus p = new SmallRyeConfigBuilder().withMapping(AnalysisConfig.class).build()
                .getConfigMapping(AnalysisConfig.class).prometheus();
        return new PrometheusMetricProvider.Queries(p.requestsQuery(), p.errorsQuery(), p.p95Query());
    }

    static Path dir;
    static Process prometheus;
    static String prometheusUrl;
    static DataPlane plane;
    static PrometheusMetricProvider provider;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> binary = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(p -> Path.of(p, "prometheus")).filter(Files::isExecutable).findFirst();
        assumeTrue(binary.isPresent(), "no prometheus binary on PATH (Debian: apt-get install prometheus): "
                + "skipping the real-Prometheus provider tests");
        plane = DataPlane.start(Map.of("SAMPLE_ERROR_RATE", "0.2"), 50);
        dir = Files.createTempDirectory("cutover-prometheus-");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: router
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                        labels: {application: shop, environment: test}
                  # the same numbers as another application's router: slots are named alike everywhere
                  - job_name: other-router
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                        labels: {application: other, environment: test}
                """.formatted(plane.router().adminPort(), plane.router().adminPort()));
        prometheus = new ProcessBuilder(binary.get().toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        prometheusUrl = "http://127.0.0.1:" + port;
        provider = new PrometheusMetricProvider(http, 2000, prometheusUrl, QUERIES);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> provider
                .query("sum(up)").get(5, TimeUnit.SECONDS) == 2.0);
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (plane != null) {
            plane.close();
        }
        scheduler.shutdownNow();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void readsAWindowLikeTheRouterItScrapes() throws Exception {
        // traffic before the window, scraped, so "everything since the router started" is far more than the window
        // (counted from what Prometheus held before it: another test's traffic may already be on the counters)
        String total = "sum(cutover_router_requests_total{job=\"router\"})";
        double held = provider.query(total).get(5, TimeUnit.SECONDS);
        double scrapedBefore = Double.isNaN(held) ? 0 : held; // NaN: no request scraped yet
        try (Traffic before = Traffic.start(plane.trafficUrl(), 4, 3000)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> before.completed() == 3000);
        }
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> provider
                .query(total).get(5, TimeUnit.SECONDS) >= scrapedBefore + 3000);
        MetricWindow fromPrometheus = provider.open(SHOP, "http://unused", List.of(DataPlane.CANARY, DataPlane.STABLE)).get();
        MetricWindow fromRouter = new RouterMetricProvider(http, 2000)
                .open(SHOP, plane.metricsUrl(), List.of(DataPlane.CANARY, DataPlane.STABLE)).get();
        MetricWindow nobodys = provider.open(new Target("nobody", "test"), "http://unused", List.of(DataPlane.CANARY)).get();
        try (Traffic traffic = Traffic.start(plane.trafficUrl(), 4, 600)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> traffic.completed() == 600);
        }
        SlotMetrics truth = fromRouter.read().get().get(DataPlane.CANARY);
        // Prometheus sees the last requests at its next scrape; increase() extrapolates to the range's edges
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            SlotMetrics seen = fromPrometheus.read().get().get(DataPlane.CANARY);
            return seen.requests() >= truth.requests() * 0.9;
        });
        SlotMetrics canary = fromPrometheus.read().get().get(DataPlane.CANARY);
        SlotMetrics stable = fromPrometheus.read().get().get(DataPlane.STABLE);
        // increase() extrapolates a short, sparsely scraped range to its edges: on a loaded machine it has read
        // up to ~2.5x the true count, so the bound only says "this window, not everything since the router started"
        // (the 3,000 requests before it put about 1,500 more on the canary: 3x the window's ~300 is still below)
        assertTrue(canary.requests() <= truth.requests() * 3.0, canary + " vs the router's " + truth);
        double errorRate = (double) canary.errors() / canary.requests();
        assertTrue(errorRate > 0.15 && errorRate < 0.25, "about 20 %: " + canary);
        assertTrue(stable.requests() > 0 && stable.errors() == 0, stable.toString());
        assertTrue(canary.p95Ms() > 0 && canary.p95Ms() < 2000, canary.toString());
        // only the asked-for application's router counts (the other job scrapes the same numbers as "other")
        assertEquals(0, nobodys.read().get().get(DataPlane.CANARY).requests());
    }

    @Test
    void queriesNameTheTargetAndTheSlotQuoted() {
        String q = PrometheusMetricProvider.fill(QUERIES.requests(), new Target("sh\"op", "test"), "can\\ary", 42);
        assertTrue(q.contains("application=\"sh\\\"op\""), q);
        assertTrue(q.contains("environment=\"test\""), q);
        assertTrue(q.contains("backend=\"can\\\\ary\""), q);
        assertTrue(q.contains("[42s]"), q);
    }

    @Test
    void anUnknownSlotHasNoRequestsAndNoLatency() throws Exception {
        MetricWindow window = provider.open(SHOP, "http://unused", List.of("nobody")).get();
        SlotMetrics none = window.read().get().get("nobody");
        assertEquals(0, none.requests());
        assertTrue(Double.isNaN(none.p95Ms()));
    }

    @Test
    void badQueriesAndUnreachablePrometheusAreUnavailable() {
        var bad = new PrometheusMetricProvider(http, 2000, prometheusUrl,
                new PrometheusMetricProvider.Queries("sum(", QUERIES.errors(), QUERIES.p95Seconds()));
        CompletionException rejected = assertThrows(CompletionException.class,
                () -> bad.open(SHOP, "http://unused", List.of("canary")).join().read().join());
        assertTrue(rejected.getCause().getMessage().contains("answered 400: {\"status\":\"error\",\"errorType\":\"bad_data\""),
                rejected.getCause().getMessage());

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        var gone = new PrometheusMetricProvider(http, 2000, "http://127.0.0.1:" + closed, QUERIES);
        CompletionException refused = assertThrows(CompletionException.class, () -> gone.open(SHOP, "http://unused", List.of("canary")).join());
        assertTrue(refused.getCause().getMessage().endsWith("failed: connection refused"), refused.getCause().getMessage());
    }

    @Test
    void anAnalysisOnPrometheusFailsTheErroringCanary() throws Exception {
        List<AnalysisCompleted> published = new CopyOnWriteArrayList<>();
        Analyses analyses = new Analyses(provider, new HttpProbeClient(scheduler, 200), scheduler, new SimpleMeterRegistry(),
                published::add, 25, 1000, 100);
        RunAnalysis command = new RunAnalysis(Meta.start("d-" + UUID.randomUUID()), SHOP,
                DataPlane.CANARY, DataPlane.STABLE, 1, 50, "http://unused", plane.canaryUrl(),
                new AnalysisSpec(4000, 500, 20, 0, 0, InsufficientDataPolicy.FAIL, 1.5, 1.2, 0.8, 0.05, 2000,
                        List.of("/health"), 2));
        analyses.submit(command);
        try (Traffic traffic = Traffic.start(plane.trafficUrl(), 4, 20_000)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> !published.isEmpty());
        }
        AnalysisCompleted done = published.get(0);
        assertEquals(Verdict.FAIL, done.verdict(), done.decision().summary());
        assertEquals("error-rate-absolute", done.decision().firedRule());
    }

}
