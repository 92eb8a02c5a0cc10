package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.local.CutoverClient;
import dev.cutover.local.LocalStack;
import dev.cutover.local.TrafficLoop;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The walking skeleton's promise on the real stack: broker, five services as processes, the router
 * and sample-app instances started by the provisioner, live traffic through the router.
 */
class BlueGreenIT {

    static LocalStack stack;
    static CutoverClient client;

    @BeforeAll
    static void startStack() {
        stack = Stack.get();
        client = new CutoverClient(stack.orchestratorUrl());
    }

    static Map<String, Object> request(String app, String version, int routerPort, Map<String, String> appEnv) {
        Map<String, String> env = new LinkedHashMap<>(appEnv);
        env.put("E2E_APP", app);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("application", app);
        request.put("environment", "development");
        request.put("version", version);
        request.put("artifact", stack.sampleAppJar().toUri().toString());
        request.put("strategy", "blue-green");
        request.put("overrides", Map.of(
                "router", Map.of("port", routerPort),
                "health", Map.of("monitor-window-ms", 4000),
                "app", Map.of("env", env)));
        return request;
    }

    static String deploy(Map<String, Object> request) {
        CutoverClient.Response response = client.deploy(request);
        assertEquals(202, response.status(), () -> "deployment not accepted: " + response.body());
        return response.body().path("id").asText();
    }

    @Test
    void healthyVersionIsSwitchedAndBrokenVersionRolledBackWithoutFailingAUserRequest() {
        String app = "shop";
        int routerPort = LocalStack.freePort();
        URI router = URI.create("http://127.0.0.1:" + routerPort + "/");

        JsonNode v1 = client.awaitTerminal(deploy(request(app, "1.0.0", routerPort, Map.of())), Duration.ofMinutes(2));
        assertEquals("SUCCEEDED", v1.path("status").asText(), v1::toString);

        try (TrafficLoop traffic = TrafficLoop.start(router, 60)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> traffic.ok() > 30);
            assertEquals(List.of("1.0.0"), List.copyOf(traffic.byVersion().keySet()));

            // v2, healthy: traffic moves to it, v1 is stopped
            long t0 = System.nanoTime();
            JsonNode v2 = client.awaitTerminal(deploy(request(app, "2.0.0", routerPort, Map.of())), Duration.ofMinutes(2));
            double v2Seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals("SUCCEEDED", v2.path("status").asText(), v2::toString);
            assertServesOnly(traffic, "2.0.0");
            await().atMost(Duration.ofSeconds(10)).until(() -> Stack.runningVersions(app).equals(List.of("2.0.0")));
            System.out.printf("[figures] v2 request -> SUCCEEDED: %.2f s%n", v2Seconds);

            // v3 breaks under real traffic after the switch: rolled back to v2, v3 stopped
            JsonNode v3 = client.awaitTerminal(deploy(request(app, "3.0.0", routerPort,
                    Map.of("SAMPLE_FAIL_HEALTH_AFTER_REQUESTS", "40"))), Duration.ofMinutes(2));
            assertEquals("ROLLED_BACK", v3.path("status").asText(), v3::toString);
            assertServesOnly(traffic, "2.0.0");
            await().atMost(Duration.ofSeconds(10)).until(() -> Stack.runningVersions(app).equals(List.of("2.0.0")));
            printRollbackFigures(v3);

            assertEquals(0, traffic.failed(), () -> "failed user requests: " + traffic.failures());
            assertTrue(traffic.sent() > 200, traffic::toString);
            System.out.println("[figures] traffic during v2 and v3: " + traffic);
        }
        System.out.printf("[figures] total RSS of the stack: %d MiB%n", stack.totalRssKib() / 1024);
    }

    /** After a switch settles, every new answer comes from {@code version}. */
    static void assertServesOnly(TrafficLoop traffic, String version) {
        traffic.resetVersionCounts();
        await().atMost(Duration.ofSeconds(10)).until(() -> traffic.byVersion().getOrDefault(version, 0L) >= 30);
        traffic.resetVersionCounts();
        await().atMost(Duration.ofSeconds(10)).until(() -> traffic.byVersion().getOrDefault(version, 0L) >= 60);
        assertEquals(List.of(version), List.copyOf(traffic.byVersion().keySet()), traffic::toString);
    }

    static void printRollbackFigures(JsonNode deployment) {
        JsonNode monitor = stage(deployment, "monitor");
        JsonNode rollback = deployment.path("rollback");
        System.out.println("[figures] rollback: " + rollback + ", monitor stage: " + monitor);
        if (monitor != null && monitor.hasNonNull("endedAt") && rollback.has("trafficRestoredMs")) {
            System.out.printf("[figures] health failure reported -> traffic back on stable: <= %d ms after %s%n",
                    rollback.path("trafficRestoredMs").asLong(), Instant.parse(monitor.path("endedAt").asText()));
        }
    }

    static JsonNode stage(JsonNode deployment, String name) {
        for (JsonNode stage : deployment.path("stages")) {
            if (name.equals(stage.path("name").asText())) {
                return stage;
            }
        }
        return null;
    }
}
