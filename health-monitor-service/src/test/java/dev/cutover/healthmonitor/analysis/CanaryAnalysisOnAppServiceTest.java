package dev.cutover.healthmonitor.analysis;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.azure.standin.ArmStandIn;
import dev.cutover.azure.standin.insights.InsightsStandIn;
import dev.cutover.azure.standin.web.WebStandIn;
import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.healthmonitor.check.HttpProbeClient;
import dev.cutover.healthmonitor.metrics.provider.AzureMonitorClients;
import dev.cutover.healthmonitor.metrics.provider.AzureMonitorMetricProvider;
import dev.cutover.healthmonitor.metrics.provider.MetricProvider;
import dev.cutover.healthmonitor.metrics.provider.MetricProviderProducer;
import dev.cutover.healthmonitor.metrics.provider.RouterMetricProvider;
import dev.cutover.sampleapp.SampleApp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole analyses of an Azure App Service canary on the ARM stand-in: the sample app runs as real processes in the
 * site's production and staging slots, real traffic goes to the production host name with a 50 % ramp-up rule to
 * staging, the stand-in's front end records every request per slot resource, and the health monitor reads Azure
 * Monitor's metrics API through the real SDK - the same judge as on the local router.
 */
class CanaryAnalysisOnAppServiceTest {

    static final String SUB = "sub-1";
    static final String GROUP = "/subscriptions/" + SUB + "/resourceGroups/shop-rg";
    static final String SITE = GROUP + "/providers/Microsoft.Web/sites/shop-prod";
    static final String STAGING = SITE + "/slots/staging";
    static final String METRICS_URL = "azure-monitor:" + SITE + "?blue=production&green=staging";

    final ArmStandIn arm = ArmStandIn.start();
    final WebStandIn web = WebStandIn.install(arm);
    final ExecutorService executor = Executors.newFixedThreadPool(2);
    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    final HttpClient http = HttpClient.newHttpClient();
    final List<AnalysisCompleted> published = new CopyOnWriteArrayList<>();
    final Analyses analyses;
    Traffic traffic;

    CanaryAnalysisOnAppServiceTest() {
        InsightsStandIn.install(arm);
        AzureMonitorClients clients = new AzureMonitorClients(new JdkHttpClientBuilder().executor(executor).build(),
                arm.url(), null, null);
        MetricProvider azure = new AzureMonitorMetricProvider(clients, 2000, Clock.systemUTC(), executor);
        MetricProvider router = new RouterMetricProvider(http, 2000);
        analyses = new Analyses(MetricProviderProducer.choose(router, azure), new HttpProbeClient(scheduler, 200), scheduler, new SimpleMeterRegistry(),
                published::add, 50, 1000, 100);
    }

    @AfterEach
    void stop() {
        analyses.cancelAll();
        if (traffic != null) {
            traffic.close();
        }
        scheduler.shutdownNow();
        executor.shutdownNow();
        arm.close();
    }

    /** The sample app's runnable jar: the dependency's own, or the reactor's build of it. */
    static Path sampleAppJar() throws Exception {
        Path codeSource = Path.of(SampleApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isRegularFile(codeSource)) {
            return codeSource;
        }
        Path built = Path.of("..", "deploy", "sample-app", "target", "sample-app.jar").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(built), "build deploy/sample-app first: " + built);
        return built;
    }

    void put(String id, ObjectNode body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(arm.url() + id
                + "?api-version=2023-12-01")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() / 100 == 2, id + ": " + response.statusCode() + " " + response.body());
    }

    static ObjectNode json() {
        return ArmStandIn.JSON.createObjectNode();
    }

    void runs(String slotId, Map<String, String> settings) throws Exception {
        ObjectNode body = json();
        ObjectNode properties = body.putObject("properties");
        properties.put(WebStandIn.RUN_FROM_PACKAGE, "file:" + sampleAppJar());
        settings.forEach(properties::put);
        put(slotId + "/config/appsettings", body);
    }

    /** A site running the sample app in production and staging, 50 % of production's traffic ramped to staging. */
    URI site(Map<String, String> canarySettings) throws Exception {
        put(GROUP, json().put("location", "westeurope"));
        ObjectNode site = json().put("location", "westeurope");
        site.putObject("properties");
        put(SITE, site);
        put(STAGING, site);
        runs(SITE, Map.of("CUTOVER_VERSION", "1.0.0"));
        runs(STAGING, canarySettings);
        String stagingHost = web.hostName(SITE, "staging").orElseThrow();
        ObjectNode config = json();
        config.putObject("properties").putObject("experiments").putArray("rampUpRules").addObject()
                .put("name", "staging").put("actionHostName", stagingHost).put("reroutePercentage", 50);
        put(SITE + "/config/web", config);
        URI production = URI.create("http://" + web.hostName(SITE, "production").orElseThrow() + "/");
        await().atMost(Duration.ofSeconds(60)).until(() -> web.runs(SITE, "production") && web.runs(SITE, "staging")
                && answers(production) && answers(URI.create("http://" + stagingHost + "/health")));
        arm.metrics().clear();
        return production;
    }

    boolean answers(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() < 500;
        } catch (Exception e) {
            return false;
        }
    }

    AnalysisCompleted analyse(URI production) {
        traffic = Traffic.start(production, 8, 50_000);
        // extended (up to 4 x 2 s) while either side has fewer than 30 requests: fresh slot processes on a busy host
        AnalysisSpec spec = new AnalysisSpec(3000, 250, 30, 4, 2000, InsufficientDataPolicy.PAUSE, 1.5, 1.2, 0.8, 0.05,
                2000, null, 0);
        RunAnalysis command = new RunAnalysis(Meta.start("d-" + UUID.randomUUID()), new Target("shop", "prod"), "green",
                "blue", 2, 50, METRICS_URL, null, spec);
        assertEquals(List.of(), Analyses.problemsOf(command));
        analyses.submit(command);
        await().atMost(Duration.ofSeconds(30)).until(() -> published.stream()
                .anyMatch(e -> command.meta().messageId().equals(e.meta().causationId())));
        return published.stream().filter(e -> command.meta().messageId().equals(e.meta().causationId())).findFirst()
                .orElseThrow();
    }

    @Test
    void aCanaryServingTwentyPercentErrorsOnAppServiceFails() throws Exception {
        AnalysisCompleted done = analyse(site(Map.of("CUTOVER_VERSION", "2.0.0", "SAMPLE_ERROR_RATE", "0.2")));

        assertEquals(Verdict.FAIL, done.verdict(), done.decision().summary() + " " + done.decision().rules());
        assertEquals("error-rate-absolute", done.decision().firedRule());
        assertEquals("azure-monitor", done.decision().metricProvider());
        assertEquals(0L, done.decision().baseline().errors(), done.decision().toString());
        assertTrue(done.decision().canary().errorRate() > 0.1, done.decision().toString());
    }

    @Test
    void aHealthyCanaryOnAppServicePasses() throws Exception {
        AnalysisCompleted done = analyse(site(Map.of("CUTOVER_VERSION", "2.0.0")));

        assertEquals(Verdict.PASS, done.verdict(), done.decision().summary() + " " + done.decision().rules());
        assertEquals("azure-monitor", done.decision().metricProvider());
        assertTrue(done.decision().canary().requests() >= 30 && done.decision().baseline().requests() >= 30,
                done.decision().toString());
        assertTrue(done.decision().canary().p95Ms() > 0, "HttpResponseTime's maximum: " + done.decision().canary());
    }
}
