package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.local.CutoverClient;
import dev.cutover.local.LocalStack;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the broker stopped the orchestrator cannot record a deployment: POST /deployments answers 503 problem+json
 * with Retry-After and records nothing; once the broker is back (same data) the same request is accepted.
 */
class BrokerDownIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void deploymentRequestWithoutKafkaIsRefusedWithRetryAfterAndNothingIsRecorded() throws Exception {
        LocalStack stack = Stack.get();
        Deployments d = new Deployments("no-broker");
        String body = JSON.writeValueAsString(d.request("1.0.0", "blue-green", CanaryIT.FAST));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertEquals(200, d.client.get("/deployments").status());
        stack.stopBroker();
        HttpResponse<String> refused;
        try {
            refused = http.send(HttpRequest.newBuilder(stack.orchestratorUrl().resolve("/deployments"))
                    .header("Authorization", "Bearer " + stack.adminToken()).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } finally {
            stack.restartBroker();
        }
        System.out.println("[figures] POST /deployments with the broker down: " + refused.statusCode() + " "
                + refused.headers().map());
        assertEquals(503, refused.statusCode(), refused::body);
        assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                () -> refused.headers().map().toString());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent(), () -> refused.headers().map().toString());
        JsonNode problem = JSON.readTree(refused.body());
        assertEquals(503, problem.path("status").asInt(), refused::body);

        // nothing was recorded, and once Kafka is back the same request goes through
        AtomicReference<CutoverClient.Response> accepted = new AtomicReference<>();
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            CutoverClient.Response list = d.client.get("/deployments?application=no-broker");
            if (list.status() != 200) {
                return false;
            }
            JsonNode items = list.body().has("items") ? list.body().path("items") : list.body();
            assertEquals(0, items.size(), () -> "recorded while Kafka was down: " + list.body());
            accepted.set(d.client.deploy(d.request("1.0.0", "blue-green", CanaryIT.FAST)));
            return accepted.get().status() == 202;
        });
        JsonNode done = d.client.awaitTerminal(accepted.get().body().path("id").asText(), Duration.ofMinutes(2));
        assertEquals("SUCCEEDED", done.path("status").asText(), done::toString);
    }
}
