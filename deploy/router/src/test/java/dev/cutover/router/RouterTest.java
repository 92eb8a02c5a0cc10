package dev.cutover.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.sampleapp.SampleApp;
import dev.cutover.router.LoadDuringChanges.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final RouterUnderTest router = new RouterUnderTest();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    // --- (1) weights --------------------------------------------------------------------------------------

    @Test
    void weight100And0SendsEverythingToOneBackend() throws Exception {
        BlueGreen apps = blueAndGreen(100, 0);
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> response = get("/");
            assertEquals(200, response.statusCode());
            assertEquals("version=blue\n", response.body());
            assertEquals("blue", response.headers().firstValue(Router.BACKEND_HEADER).orElseThrow());
        }
        assertEquals(30, apps.blue().rootRequests());
        assertEquals(0, apps.green().rootRequests());
    }

    @Test
    void weight50And50SendsTrafficToBoth() throws Exception {
        BlueGreen apps = blueAndGreen(50, 50);
        for (int i = 0; i < 200; i++) {
            assertEquals(200, get("/").statusCode());
        }
        long blue = apps.blue().rootRequests();
        long green = apps.green().rootRequests();
        assertEquals(200, blue + green);
        assertTrue(blue > 50 && green > 50, "blue=" + blue + " green=" + green);
    }

    // --- (2) weight flips under load ------------------------------------------------------------------------

    @Test
    void flippingWeightsUnderLoadFailsNoRequest() throws Exception {
        BlueGreen apps = blueAndGreen(100, 0);
        long loadStart = System.nanoTime();
        LoadDuringChanges<HttpResponse<String>> load = LoadDuringChanges.start(3, () -> get("/"));

        // flip 7 times, ending on green; after each flip wait until 40 requests started after it have completed
        for (int flip = 0; flip < 7; flip++) {
            boolean toGreen = flip % 2 == 0;
            load.change(() -> putOk(backend("blue", apps.blue(), toGreen ? 0 : 100),
                    backend("green", apps.green(), toGreen ? 100 : 0)), 40);
        }
        load.stop();
        long loadNanos = System.nanoTime() - loadStart;

        List<Request<HttpResponse<String>>> all = load.requests();
        assertEquals(List.of(), load.failed(r -> r.statusCode() == 200), "no request may fail during weight flips");
        double rate = all.size() / (loadNanos / 1e9);
        System.out.printf("weight flips under load: %d requests in %.2f s (%.0f req/s), blue=%d green=%d%n",
                all.size(), loadNanos / 1e9, rate, apps.blue().rootRequests(), apps.green().rootRequests());
        assertTrue(rate >= 50, "load was only " + rate + " req/s");
        assertTrue(apps.blue().rootRequests() > 0 && apps.green().rootRequests() > 0);

        // every request started after a flip's PUT was answered, and answered before the next PUT was sent,
        // went to that flip's backend (even flips to green)
        for (int i = 0; i < load.changes(); i++) {
            String expected = i % 2 == 0 ? "version=green\n" : "version=blue\n";
            List<Request<HttpResponse<String>>> inWindow = load.between(i);
            assertTrue(inWindow.size() >= 30, "window " + i + " has only " + inWindow.size() + " requests");
            inWindow.forEach(r -> assertEquals(expected, r.answer().body()));
        }
        List<Request<HttpResponse<String>>> afterLast = load.after(load.changes() - 1);
        assertTrue(afterLast.size() >= 40);
        afterLast.forEach(r -> assertEquals("version=green\n", r.answer().body(),
                "after the final flip only green answers"));
    }

    // --- (3) in-flight requests survive removal of their backend --------------------------------------------

    @Test
    void inFlightRequestFinishesOnRemovedBackendAndInflightDropsToZero() throws Exception {
        SampleApp slow = router.app("slow", "SAMPLE_LATENCY_MS", "1500");
        SampleApp fast = router.app("fast");
        putOk(backend("slow", slow, 100));

        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
                request("/").build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> backendsJson().at("/backends/0/inflight").asInt() == 1);

        JsonNode afterRemoval = putOk(backend("fast", fast, 100));
        assertEquals("slow", afterRemoval.at("/draining/0/id").asText(), afterRemoval.toString());
        assertEquals(1, afterRemoval.at("/draining/0/inflight").asInt());
        assertEquals("version=fast\n", get("/").body(), "new requests go to the new set at once");
        assertEquals(1.0, metric("cutover_router_inflight", Map.of("backend", "slow")));

        HttpResponse<String> slowResponse = inFlight.get();
        assertEquals(200, slowResponse.statusCode());
        assertEquals("version=slow\n", slowResponse.body());
        await().atMost(Duration.ofSeconds(5)).until(() -> backendsJson().get("draining").isEmpty());
        assertEquals(0.0, metric("cutover_router_inflight", Map.of("backend", "slow")));
        assertEquals(0, backendsJson().at("/backends/0/inflight").asInt());
    }

    // --- (4) admin validation -------------------------------------------------------------------------------

    @Test
    void invalidBackendSetsAreRejectedWith400AndLeaveTheSetUnchanged() throws Exception {
        SampleApp blue = router.app("blue");
        putOk(backend("blue", blue, 100));
        String url = "http://127.0.0.1:" + blue.port();
        List<String> bad = List.of(
                "not json",
                "[]",
                "{}",
                "{\"backends\":{}}",
                "{\"backends\":[{\"id\":\"a\",\"url\":\"" + url + "\",\"weight\":50},{\"id\":\"a\",\"url\":\"" + url + "\",\"weight\":50}]}",
                "{\"backends\":[{\"id\":\"a\",\"url\":\"" + url + "\",\"weight\":101}]}",
                "{\"backends\":[{\"id\":\"a\",\"url\":\"" + url + "\",\"weight\":-1}]}",
                "{\"backends\":[{\"id\":\"a\",\"url\":\"" + url + "\",\"weight\":\"10\"}]}",
                "{\"backends\":[{\"id\":\"a\",\"url\":\"" + url + "\"}]}",
                "{\"backends\":[{\"id\":\"a\",\"url\":\"127.0.0.1:8080\",\"weight\":10}]}",
                "{\"backends\":[{\"id\":\"a\",\"url\":\"https://127.0.0.1:8080\",\"weight\":10}]}",
                "{\"backends\":[{\"id\":\"a\",\"url\":\"/relative\",\"weight\":10}]}",
                "{\"backends\":[{\"id\":\"a\",\"url\":\"http://example.com:80\",\"weight\":10}]}",
                "{\"backends\":[{\"id\":\"\",\"url\":\"" + url + "\",\"weight\":10}]}",
                "{\"backends\":[{\"url\":\"" + url + "\",\"weight\":10}]}");
        for (String body : bad) {
            HttpResponse<String> response = put(body);
            assertEquals(400, response.statusCode(), body + " -> " + response.body());
            assertTrue(JSON.readTree(response.body()).get("error").asText().length() > 5, response.body());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        }
        JsonNode current = backendsJson();
        assertEquals(1, current.get("backends").size());
        assertEquals("blue", current.at("/backends/0/id").asText());
        assertEquals(100, current.at("/backends/0/weight").asInt());
        assertEquals(200, get("/").statusCode());
    }

    @Test
    void adminHealthAnswers() throws Exception {
        HttpResponse<String> health = http.send(adminRequest("/health").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals("UP", JSON.readTree(health.body()).get("status").asText());
    }

    // --- (5) metrics ----------------------------------------------------------------------------------------

    @Test
    void metricsCountRequestsPerBackend() throws Exception {
        SampleApp blue = router.app("1.0.0");
        SampleApp green = router.app("1.1.0");
        SampleApp broken = router.app("1.2.0", "SAMPLE_ERROR_RATE", "1.0");
        putOk(backend("blue", blue, 100), backend("green", green, 0), backend("broken", broken, 0));
        for (int i = 0; i < 7; i++) {
            assertEquals(200, get("/").statusCode());
        }
        putOk(backend("blue", blue, 0), backend("green", green, 100), backend("broken", broken, 0));
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get("/").statusCode());
        }
        putOk(backend("blue", blue, 0), backend("green", green, 0), backend("broken", broken, 100));
        for (int i = 0; i < 4; i++) {
            assertEquals(500, get("/").statusCode());
        }

        assertEquals(7.0, metric("cutover_router_requests_total",
                Map.of("backend", "blue", "version", "1.0.0", "status_class", "2xx")));
        assertEquals(3.0, metric("cutover_router_requests_total", Map.of("backend", "green", "status_class", "2xx")));
        assertEquals(4.0, metric("cutover_router_requests_total", Map.of("backend", "broken", "status_class", "5xx")));
        assertEquals(0.0, metric("cutover_router_errors_total", Map.of("backend", "blue")));
        assertEquals(0.0, metric("cutover_router_errors_total", Map.of("backend", "green")));
        assertEquals(4.0, metric("cutover_router_errors_total", Map.of("backend", "broken")));
        assertEquals(7.0, metric("cutover_router_request_duration_seconds_count", Map.of("backend", "blue")));
        assertEquals(7.0, metric("cutover_router_request_duration_seconds_bucket", Map.of("backend", "blue", "le", "+Inf")));
        String text = metricsText();
        assertTrue(text.contains("cutover_router_request_duration_seconds_bucket{backend=\"green\",le=\""), text);
        assertEquals(0.0, metric("cutover_router_inflight", Map.of("backend", "blue")));
    }

    @Test
    void unreachableBackendIsA502CountedAsError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        put("{\"backends\":[{\"id\":\"gone\",\"url\":\"http://127.0.0.1:" + closedPort + "\",\"weight\":100}]}");
        assertEquals(502, get("/").statusCode());
        assertEquals(1.0, metric("cutover_router_errors_total", Map.of("backend", "gone")));
        assertEquals(0, backendsJson().at("/backends/0/inflight").asInt());
    }

    // --- (6) no active backend ------------------------------------------------------------------------------

    @Test
    void noActiveBackendIs503() throws Exception {
        HttpResponse<String> empty = get("/");
        assertEquals(503, empty.statusCode());
        assertTrue(empty.body().contains("no active backend for shop/test"), empty.body());

        SampleApp blue = router.app("blue");
        putOk(backend("blue", blue, 0));
        HttpResponse<String> allZero = get("/");
        assertEquals(503, allZero.statusCode());
        assertTrue(allZero.body().contains("no backend has weight > 0"), allZero.body());
        assertEquals(0, blue.rootRequests());
        assertEquals(2.0, metric("cutover_router_unrouted_total", Map.of()));
    }

    // --- helpers --------------------------------------------------------------------------------------------

    /** Sample apps answering version=blue and version=green. */
    private record BlueGreen(SampleApp blue, SampleApp green) {
    }

    /** Starts apps blue and green and puts them behind the router, under those ids, with these weights. */
    private BlueGreen blueAndGreen(int blueWeight, int greenWeight) throws Exception {
        BlueGreen apps = new BlueGreen(router.app("blue"), router.app("green"));
        putOk(backend("blue", apps.blue(), blueWeight), backend("green", apps.green(), greenWeight));
        return apps;
    }

    private static Map<String, Object> backend(String id, SampleApp app, int weight) {
        return Map.of("id", id, "url", "http://127.0.0.1:" + app.port(), "weight", weight, "version", app.version());
    }

    @SafeVarargs
    private JsonNode putOk(Map<String, Object>... backends) throws Exception {
        HttpResponse<String> response = put(JSON.writeValueAsString(Map.of("backends", List.of(backends))));
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> put(String body) throws Exception {
        return http.send(adminRequest("/backends").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode backendsJson() throws Exception {
        HttpResponse<String> response = http.send(adminRequest("/backends").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return JSON.readTree(response.body());
    }

    private String metricsText() throws Exception {
        HttpResponse<String> response = http.send(adminRequest("/metrics").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    /** Sum of the samples of {@code name} whose labels include all of {@code labels}. */
    private double metric(String name, Map<String, String> labels) throws Exception {
        double sum = 0;
        AtomicInteger matches = new AtomicInteger();
        for (String line : metricsText().split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            String labelPart = line.contains("{") ? line.substring(line.indexOf('{'), line.lastIndexOf('}') + 1) : "";
            boolean all = labels.entrySet().stream()
                    .allMatch(e -> labelPart.contains(e.getKey() + "=\"" + e.getValue() + "\""));
            if (all) {
                matches.incrementAndGet();
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        assertTrue(matches.get() > 0, "no sample " + name + labels);
        return sum;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(router.traffic(path)).timeout(Duration.ofSeconds(10));
    }

    private HttpRequest.Builder adminRequest(String path) {
        return HttpRequest.newBuilder(router.admin(path)).timeout(Duration.ofSeconds(10));
    }
}
