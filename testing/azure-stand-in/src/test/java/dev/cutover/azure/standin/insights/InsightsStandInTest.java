package dev.cutover.azure.standin.insights;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.azure.standin.ArmStandIn;
import dev.cutover.azure.standin.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Azure Monitor metrics API of the stand-in over plain HTTP: the response's shape and numbers. */
class InsightsStandInTest {

    static final String SITE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/shop";
    static final String SLOT = SITE + "/slots/staging";
    static final Instant M0 = Instant.parse("2026-12-01T10:00:00Z");

    final ArmStandIn arm = ArmStandIn.start();
    final HttpClient http = HttpClient.newHttpClient();

    InsightsStandInTest() {
        InsightsStandIn.install(arm);
        arm.put(SITE, ArmStandIn.JSON.createObjectNode().put("location", "northeurope"));
        arm.put(SLOT, ArmStandIn.JSON.createObjectNode());
    }

    @AfterEach
    void stop() {
        arm.close();
    }

    HttpResponse<String> get(String resource, String query) throws Exception {
        // the SDK sends the resource id after its own '/', as here
        URI uri = URI.create(arm.url() + "/" + resource + "/providers/Microsoft.Insights/metrics?api-version=2018-01-01&"
                + query);
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode metrics(String resource, String query) throws Exception {
        HttpResponse<String> response = get(resource, query);
        assertEquals(200, response.statusCode(), response.body());
        return ArmStandIn.JSON.readTree(response.body());
    }

    static JsonNode metric(JsonNode body, String name) {
        for (JsonNode m : body.path("value")) {
            if (m.path("name").path("value").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no " + name + " in " + body);
    }

    static List<JsonNode> points(JsonNode metric) {
        List<JsonNode> out = new ArrayList<>();
        metric.path("timeseries").get(0).path("data").forEach(out::add);
        return out;
    }

    @Test
    void perMinutePointsOfRequestsErrorsAndResponseTimeFromWhatWasRecorded() throws Exception {
        arm.metrics().record(SLOT, M0.plusSeconds(5), 200, 100);
        arm.metrics().record(SLOT, M0.plusSeconds(50), 500, 300);
        arm.metrics().record(SLOT, M0.plusSeconds(70), 200, 200);
        arm.metrics().record(SITE, M0.plusSeconds(10), 500, 999); // another resource

        JsonNode body = metrics(SLOT, "timespan=2026-12-01T10:00:00Z/2026-12-01T10:03:00Z&interval=PT1M"
                + "&metricnames=Requests,Http5xx,HttpResponseTime&aggregation=Total,Average,Maximum,Count");

        assertEquals("PT1M", body.path("interval").asText());
        assertEquals("Microsoft.Web/sites/slots", body.path("namespace").asText());
        assertEquals(3, body.path("value").size());
        JsonNode requests = metric(body, "Requests");
        assertEquals("Count", requests.path("unit").asText());
        assertEquals("Microsoft.Insights/metrics", requests.path("type").asText());
        assertEquals(SLOT + "/providers/Microsoft.Insights/metrics/Requests", requests.path("id").asText());
        List<JsonNode> r = points(requests);
        assertEquals(List.of("2026-12-01T10:00:00Z", "2026-12-01T10:01:00Z", "2026-12-01T10:02:00Z"),
                r.stream().map(p -> p.path("timeStamp").asText()).toList());
        assertEquals(List.of(2.0, 1.0, 0.0), r.stream().map(p -> p.path("total").asDouble()).toList());
        assertEquals(List.of(1.0, 0.0, 0.0), points(metric(body, "Http5xx")).stream()
                .map(p -> p.path("total").asDouble()).toList());
        JsonNode time = metric(body, "HttpResponseTime");
        assertEquals("Seconds", time.path("unit").asText());
        List<JsonNode> t = points(time);
        assertEquals(0.2, t.get(0).path("average").asDouble(), 1e-9);
        assertEquals(0.3, t.get(0).path("maximum").asDouble(), 1e-9);
        assertEquals(2.0, t.get(0).path("count").asDouble());
        assertFalse(t.get(2).has("average"), "no samples, no average: " + t.get(2));
        assertEquals(0.0, t.get(2).path("count").asDouble());
    }

    @Test
    void pointsAlignToTheIntervalAndCarryOnlyTheAggregationsAsked() throws Exception {
        arm.metrics().record(SITE, M0.plusSeconds(30), 200, 10);

        JsonNode body = metrics(SITE, "timespan=2026-12-01T10:00:30Z/2026-12-01T10:01:00Z&interval=PT1M"
                + "&metricnames=requests&aggregation=Total");

        List<JsonNode> r = points(metric(body, "Requests"));
        assertEquals(1, r.size());
        assertEquals("2026-12-01T10:00:00Z", r.get(0).path("timeStamp").asText());
        assertEquals(1.0, r.get(0).path("total").asDouble());
        assertFalse(r.get(0).has("average"));
        assertEquals("Microsoft.Web/sites", body.path("namespace").asText());
        assertEquals("northeurope", body.path("resourceregion").asText());
    }

    @Test
    void unknownResourcesMetricsAndTimespansAreRefusedAsAzureMonitorDoes() throws Exception {
        String ok = "timespan=2026-12-01T10:00:00Z/2026-12-01T10:01:00Z&metricnames=Requests";
        HttpResponse<String> noSuchSlot = get(SITE + "/slots/nope", ok);
        HttpResponse<String> noSuchMetric = get(SITE, "timespan=2026-12-01T10:00:00Z/2026-12-01T10:01:00Z"
                + "&metricnames=CpuTime2");
        HttpResponse<String> backwards = get(SITE, "timespan=2026-12-01T10:01:00Z/2026-12-01T10:00:00Z");

        assertEquals(404, noSuchSlot.statusCode());
        assertEquals("ResourceNotFound", ArmStandIn.JSON.readTree(noSuchSlot.body()).path("error").path("code").asText());
        assertEquals(400, noSuchMetric.statusCode());
        assertEquals(400, backwards.statusCode());
    }

    @Test
    void armedFaultsApplyToMetricQueriesAndEveryQueryIsLogged() throws Exception {
        arm.faults().next("GET", "/providers/Microsoft\\.Insights/metrics$", Fault.throttled(java.time.Duration.ofSeconds(7)));
        String query = "timespan=2026-12-01T10:00:00Z/2026-12-01T10:01:00Z&metricnames=Requests";

        HttpResponse<String> throttled = get(SITE, query);
        HttpResponse<String> then = get(SITE, query);

        assertEquals(429, throttled.statusCode());
        assertTrue(throttled.headers().firstValue("Retry-After").isPresent(), throttled.headers().toString());
        assertEquals(200, then.statusCode());
        assertEquals(List.of(429, 200), arm.calls().matching("GET", ".*/Microsoft\\.Insights/metrics$").stream()
                .map(c -> c.status()).toList());
    }
}
