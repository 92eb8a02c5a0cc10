package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.local.CutoverClient;
import dev.cutover.local.LocalStack;
import dev.cutover.local.TrafficLoop;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Two applications in one environment, neither declaring a router port: each gets its own router from the
 * provisioner's pool, reported in its deployment's view, and both deploy and serve side by side (a second round
 * deploys both at once under traffic to both).
 */
class TwoApplicationsIT {

    @Test
    void twoApplicationsShareAnEnvironmentEachBehindItsOwnRouter() {
        LocalStack stack = Stack.get();
        CutoverClient client = stack.client("orchestrator-service");
        JsonNode first = client.awaitTerminal(deploy(client, stack, "side-a", "1.0.0", "blue-green"), Duration.ofMinutes(2));
        JsonNode second = client.awaitTerminal(deploy(client, stack, "side-b", "1.5.0", "blue-green"), Duration.ofMinutes(2));
        assertEquals("SUCCEEDED", first.path("status").asText(), first::toString);
        assertEquals("SUCCEEDED", second.path("status").asText(), second::toString);
        String routerA = slash(first.path("routerUrl").asText(""));
        String routerB = slash(second.path("routerUrl").asText(""));
        assertFalse(routerA.isEmpty(), first::toString);
        assertFalse(routerB.isEmpty(), second::toString);
        assertNotEquals(routerA, routerB);
        System.out.println("[figures] two applications in development: side-a on " + routerA + ", side-b on " + routerB);

        try (TrafficLoop a = TrafficLoop.start(URI.create(routerA), 20);
             TrafficLoop b = TrafficLoop.start(URI.create(routerB), 20)) {
            Scenario.assertServesOnly(a, "1.0.0");
            Scenario.assertServesOnly(b, "1.5.0");
            // both at once: a canary of one, a blue-green of the other
            String idA = deploy(client, stack, "side-a", "2.0.0", "canary");
            String idB = deploy(client, stack, "side-b", "2.5.0", "blue-green");
            JsonNode doneA = client.awaitTerminal(idA, Duration.ofMinutes(3));
            JsonNode doneB = client.awaitTerminal(idB, Duration.ofMinutes(3));
            assertEquals("SUCCEEDED", doneA.path("status").asText(), doneA::toString);
            assertEquals("SUCCEEDED", doneB.path("status").asText(), doneB::toString);
            assertEquals(routerA, slash(doneA.path("routerUrl").asText()), "a target keeps its router");
            assertEquals(routerB, slash(doneB.path("routerUrl").asText()), "a target keeps its router");
            Scenario.assertServesOnly(a, "2.0.0");
            Scenario.assertServesOnly(b, "2.5.0");
            assertEquals(0, a.failed(), () -> "side-a failed user requests: " + a.failures());
            assertEquals(0, b.failed(), () -> "side-b failed user requests: " + b.failures());
        }
    }

    private static String slash(String url) {
        return url.isEmpty() || url.endsWith("/") ? url : url + "/";
    }

    private static String deploy(CutoverClient client, LocalStack stack, String app, String version, String strategy) {
        Map<String, Object> overrides = new LinkedHashMap<>(CanaryIT.fast(Map.of("canary", Map.of("steps",
                java.util.List.of(50, 100)), "analysis", Map.of("insufficient-data-policy", "pass"))));
        overrides.put("app", Map.of("env", Map.of("E2E_APP", app)));
        Map<String, Object> request = new LinkedHashMap<>(CutoverClient.deploymentRequest(app, "development", version,
                stack.sampleAppJar().toUri().toString(), strategy, overrides));
        request.put("sha256", stack.sampleAppSha256());
        CutoverClient.Response response = client.deploy(request);
        assertEquals(202, response.status(), () -> String.valueOf(response.body()));
        return response.body().path("id").asText();
    }
}
