package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.local.TrafficLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layered configuration and failure recovery on the real stack. */
class ConfigAndRecoveryIT {

    @Test
    void invalidConfigurationStopsTheDeploymentBeforeAnythingIsProvisioned() {
        Deployments d = new Deployments("bad-config");
        JsonNode done = d.run("1.0.0", "blue-green", Map.of("health", Map.of("timeout", 5)));
        assertEquals("FAILED", done.path("status").asText(), done::toString);
        assertTrue(done.path("reason").asText().contains("unknown key 'health.timeout' (set by layer 'overrides')"),
                done::toString);
        assertEquals(List.of(), Stack.runningVersions(d.app));
        JsonNode targets = d.stack.client("provisioner-service").get("/slots").body();
        for (JsonNode target : targets) {
            assertNotEquals(d.app, target.path("application").asText(), "provisioner touched " + target);
        }
        JsonNode failure = done.path("failures").path(0);
        assertEquals("CONFIGURATION_ERROR", failure.path("type").asText(), done::toString);
        assertEquals(false, failure.path("recoverable").asBoolean(true));
    }

    @Test
    void transientProvisioningFailureIsRetriedAndSucceeds(@TempDir Path dir) {
        Deployments d = new Deployments("flaky-start");
        JsonNode done = d.run("1.0.0", "blue-green", Map.of(
                "recovery", Map.of("infrastructure-retry-delay-ms", 1000),
                "app", Map.of("env", Map.of("SAMPLE_FAIL_FIRST_STARTS", "1",
                        "SAMPLE_START_COUNTER_FILE", dir.resolve("starts").toString()))));
        assertEquals("SUCCEEDED", done.path("status").asText(), done::toString);
        JsonNode failure = done.path("failures").path(0);
        assertEquals("INFRASTRUCTURE_FAILURE", failure.path("type").asText(), done::toString);
        assertTrue(failure.path("recoverable").asBoolean(), done::toString);
        assertTrue(failure.path("actionTaken").asText().contains("retry"), done::toString);
        await().atMost(Duration.ofSeconds(10)).until(() -> Stack.runningVersions(d.app).equals(List.of("1.0.0")));
    }

    @Test
    void persistentApplicationFailureRollsBackWithItsClassification() {
        Deployments d = new Deployments("breaks-later");
        assertEquals("SUCCEEDED", d.run("1.0.0", "blue-green", CanaryIT.FAST).path("status").asText());
        JsonNode done;
        // /health breaks after the first real user request, i.e. only once traffic is on the new version
        try (TrafficLoop traffic = TrafficLoop.start(d.router(), 30)) {
            done = d.run("2.0.0", "blue-green", CanaryIT.fast(CanaryIT.appEnv("SAMPLE_FAIL_HEALTH_AFTER_REQUESTS", "1")));
            assertEquals(0, traffic.failed(), () -> "failed: " + traffic.failures());
        }
        assertEquals("ROLLED_BACK", done.path("status").asText(), done::toString);
        boolean classified = false;
        for (JsonNode failure : done.path("failures")) {
            classified |= failure.path("type").asText().equals("APPLICATION_FAILURE")
                    || failure.path("type").asText().equals("HEALTH_CHECK_FAILURE");
        }
        assertTrue(classified, done::toString);
    }

    @Test
    void configurationOnlyChangeDeploysAndRollsBackToTheEarlierHash() {
        Deployments d = new Deployments("config-only");
        JsonNode first = d.run("1.0.0", "blue-green", CanaryIT.fast(CanaryIT.appEnv("GREETING", "hello")));
        assertEquals("SUCCEEDED", first.path("status").asText(), first::toString);
        JsonNode second = d.run("1.0.0", "blue-green", CanaryIT.fast(CanaryIT.appEnv("GREETING", "bonjour")));
        assertEquals("SUCCEEDED", second.path("status").asText(), second::toString);
        assertNotEquals(first.path("configHash").asText(), second.path("configHash").asText());

        var redeploy = d.client.post("/deployments/" + first.path("id").asText() + "/redeploy", "{}");
        assertEquals(202, redeploy.status(), () -> String.valueOf(redeploy.body()));
        JsonNode restored = d.client.awaitTerminal(redeploy.body().path("id").asText(), Duration.ofMinutes(2));
        assertEquals("SUCCEEDED", restored.path("status").asText(), restored::toString);
        assertEquals(first.path("configHash").asText(), restored.path("configHash").asText(), restored::toString);
    }
}
