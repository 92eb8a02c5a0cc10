package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.local.TrafficLoop;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Rolling replacement of several instances, and an approval gate that holds a deployment. */
class PipelineIT {

    @Test
    void rollingDeploymentReplacesThreeInstancesOneByOne() {
        Deployments d = new Deployments("rolling");
        Map<String, Object> three = CanaryIT.fast(Map.of("infrastructure", Map.of("instance-count", 3)));
        JsonNode v1 = d.run("1.0.0", "rolling", three);
        assertEquals("SUCCEEDED", v1.path("status").asText(), v1::toString);
        await().atMost(Duration.ofSeconds(10)).until(() -> Stack.runningVersions(d.app).equals(List.of("1.0.0", "1.0.0", "1.0.0")));
        try (TrafficLoop traffic = TrafficLoop.start(d.router(), 60)) {
            JsonNode v2 = d.run("2.0.0", "rolling", three);
            System.out.println("[figures] rolling over 3 instances: " + v2.path("status").asText() + ", traffic " + traffic);
            assertEquals("SUCCEEDED", v2.path("status").asText(), v2::toString);
            await().atMost(Duration.ofSeconds(10)).until(() -> Stack.runningVersions(d.app).equals(List.of("2.0.0", "2.0.0", "2.0.0")));
            Scenario.assertServesOnly(traffic, "2.0.0");
            JsonNode backends = d.routerBackends().path("backends");
            int total = 0;
            int active = 0;
            for (JsonNode b : backends) {
                total += b.path("weight").asInt();
                active += b.path("weight").asInt() > 0 ? 1 : 0;
            }
            assertEquals(100, total, backends::toString);
            assertEquals(3, active, backends::toString);

            // a new version that fails its first instance's check: the rollback-service moves traffic back to
            // the three old instances and releases the new one (strategy rolling)
            JsonNode v3 = d.run("3.0.0", "rolling", CanaryIT.fast(Map.of("infrastructure", Map.of("instance-count", 3),
                    "app", Map.of("env", Map.of("SAMPLE_FAIL_HEALTH", "true")))));
            System.out.println("[figures] rolling with a broken version: " + v3.path("status").asText() + ", rollback "
                    + v3.path("rollback") + ", traffic " + traffic);
            assertEquals("ROLLED_BACK", v3.path("status").asText(), v3::toString);
            assertEquals("rolling", v3.path("rollbackPlan").path("strategy").asText(), v3::toString);
            assertEquals(true, v3.path("rollback").has("trafficRestoredMs"), v3::toString);
            await().atMost(Duration.ofSeconds(10)).until(() -> Stack.runningVersions(d.app).equals(List.of("2.0.0", "2.0.0", "2.0.0")));
            int after = 0;
            for (JsonNode b : d.routerBackends().path("backends")) {
                after += b.path("weight").asInt() > 0 ? 1 : 0;
            }
            assertEquals(3, after, () -> d.routerBackends().toString());
            Scenario.assertServesOnly(traffic, "2.0.0");
            assertEquals(0, traffic.failed(), () -> "failed: " + traffic.failures());
        }
    }

    @Test
    void approvalGateHoldsTheDeploymentUntilApproved() {
        Deployments d = new Deployments("gated");
        assertEquals("SUCCEEDED", d.run("1.0.0", "blue-green", CanaryIT.FAST).path("status").asText());
        String id = d.start("2.0.0", "canary",
                CanaryIT.fast(Map.of("pipeline", Map.of("approval-before-promote", true),
                        "analysis", Map.of("insufficient-data-policy", "pass"))));
        d.awaitStatus(id, "AWAITING_APPROVAL");
        // it stays there: nothing is promoted without an operator, and the stable version keeps running
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> "AWAITING_APPROVAL".equals(d.client.deployment(id).path("status").asText()));
        assertEquals(List.of("1.0.0", "2.0.0"), Stack.runningVersions(d.app).stream().sorted().toList());
        assertEquals(202, d.action(id, "approve").status());
        JsonNode done = d.client.awaitTerminal(id, Duration.ofMinutes(1));
        assertEquals("SUCCEEDED", done.path("status").asText(), done::toString);
        await().atMost(Duration.ofSeconds(10)).until(() -> Stack.runningVersions(d.app).equals(List.of("2.0.0")));
    }
}
