package dev.cutover.sampleapp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleAppTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<SampleApp> apps = new ArrayList<>();

    @AfterEach
    void stop() {
        apps.forEach(SampleApp::close);
    }

    private SampleApp app(String... keyValues) throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("PORT", "0");
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put(keyValues[i], keyValues[i + 1]);
        }
        SampleApp app = SampleApp.start(settings);
        apps.add(app);
        return app;
    }

    private HttpResponse<String> get(SampleApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET {@code path} answers {@code status} with {@code bodyPart} in its body. */
    private void assertAnswers(SampleApp app, String path, int status, String bodyPart) throws Exception {
        HttpResponse<String> response = get(app, path);
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.body().contains(bodyPart), response.body());
    }

    @Test
    void servesVersionSlotHealthAndReadiness() throws Exception {
        SampleApp app = app("CUTOVER_VERSION", "1.4.2", "CUTOVER_SLOT", "green");
        assertTrue(app.port() > 0);
        HttpResponse<String> root = get(app, "/");
        assertEquals(200, root.statusCode());
        assertEquals("version=1.4.2 slot=green\n", root.body());
        assertEquals("1.4.2", root.headers().firstValue("X-Cutover-Version").orElseThrow());
        assertAnswers(app, "/health", 200, "\"status\":\"UP\"");
        assertEquals(200, get(app, "/ready").statusCode());
        assertEquals(404, get(app, "/nope").statusCode());
    }

    @Test
    void versionDefaultsToUnknown() throws Exception {
        assertEquals("version=unknown\n", get(app(), "/").body());
    }

    @Test
    void errorRateFailsThatFractionOfRootRequests() throws Exception {
        SampleApp half = app("SAMPLE_ERROR_RATE", "0.5");
        int failures = 0;
        for (int i = 0; i < 20; i++) {
            if (get(half, "/").statusCode() == 500) {
                failures++;
            }
        }
        assertEquals(10, failures);
        assertEquals(200, get(half, "/health").statusCode(), "errors on / do not affect health");

        SampleApp all = app("SAMPLE_ERROR_RATE", "1.0");
        for (int i = 0; i < 5; i++) {
            assertEquals(500, get(all, "/").statusCode());
        }
    }

    @Test
    void latencyIsAddedToRootOnly() throws Exception {
        SampleApp app = app("SAMPLE_LATENCY_MS", "300");
        long start = System.nanoTime();
        assertEquals(200, get(app, "/").statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 300);
        start = System.nanoTime();
        assertEquals(200, get(app, "/health").statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 300);
    }

    @Test
    void failHealth() throws Exception {
        SampleApp app = app("SAMPLE_FAIL_HEALTH", "true");
        assertAnswers(app, "/health", 503, "\"status\":\"DOWN\"");
        assertAnswers(app, "/health", 503, "\"reason\":");
        assertEquals(200, get(app, "/").statusCode());
    }

    @Test
    void failHealthAfterRequests() throws Exception {
        SampleApp app = app("SAMPLE_FAIL_HEALTH_AFTER_REQUESTS", "3");
        for (int i = 0; i < 2; i++) {
            assertEquals(200, get(app, "/").statusCode());
            assertEquals(200, get(app, "/health").statusCode());
        }
        assertEquals(200, get(app, "/").statusCode());
        assertEquals(503, get(app, "/health").statusCode());
    }

    @Test
    void slowStartKeepsReadyDownUntilDelayPassed() throws Exception {
        SampleApp app = app("SAMPLE_START_DELAY_MS", "700");
        assertAnswers(app, "/ready", 503, "starting");
        assertEquals(200, get(app, "/health").statusCode(), "alive while starting");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> get(app, "/ready").statusCode() == 200);
    }

    @Test
    void metricsCountRequestsAndErrorsByPath() throws Exception {
        SampleApp app = app("SAMPLE_ERROR_RATE", "0.25", "CUTOVER_VERSION", "2.0");
        for (int i = 0; i < 8; i++) {
            get(app, "/");
        }
        get(app, "/health");
        String metrics = get(app, "/metrics").body();
        for (String line : List.of("requests_total{path=\"/\"} 8", "errors_total{path=\"/\"} 2",
                "requests_total{path=\"/health\"} 1", "sample_app_info{version=\"2.0\",slot=\"\"} 1")) {
            assertTrue(metrics.contains(line + "\n"), () -> line + " not in " + metrics);
        }
    }

    @Test
    void closeLetsInFlightRequestsFinish() throws Exception {
        SampleApp app = app("SAMPLE_LATENCY_MS", "500");
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> app.rootRequests() >= 1);
        app.close();
        assertEquals(200, inFlight.get().statusCode());
    }

    private HttpResponse<String> post(SampleApp app, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void faultsCanBeSwitchedOnAndOffWhileRunning() throws Exception {
        SampleApp app = app("CUTOVER_VERSION", "2.0.0");
        assertEquals(200, get(app, "/health").statusCode());
        assertEquals(200, post(app, "/fault?fail-health=true&error-rate=1").statusCode());
        assertEquals(503, get(app, "/health").statusCode());
        assertEquals(500, get(app, "/").statusCode());
        assertEquals(200, post(app, "/fault?fail-health=false&error-rate=0").statusCode());
        assertEquals(200, get(app, "/health").statusCode());
        assertEquals(200, get(app, "/").statusCode());
        assertEquals("2.0.0", app.version());
        assertEquals(400, post(app, "/fault?error-rate=2").statusCode());
        assertEquals(400, post(app, "/fault?memory-leak=true").statusCode());
        assertEquals(405, get(app, "/fault").statusCode());
    }

    @Test
    void firstStartsFailOnPurposeWhenAsked(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String counter = dir.resolve("starts").toString();
        assertTrue(SampleApp.failThisStart("2", counter));
        assertTrue(SampleApp.failThisStart("2", counter));
        assertEquals(false, SampleApp.failThisStart("2", counter));
        assertEquals(false, SampleApp.failThisStart(null, counter));
        assertEquals(false, SampleApp.failThisStart("1", null));
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SampleConfig.from(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> SampleConfig.from(Map.of("PORT", "0", "SAMPLE_ERROR_RATE", "1.5")));
        assertThrows(IllegalArgumentException.class, () -> SampleConfig.from(Map.of("PORT", "x")));
        assertEquals("sample.fail.health.after.requests", SampleConfig.propertyName("SAMPLE_FAIL_HEALTH_AFTER_REQUESTS"));
    }
}
