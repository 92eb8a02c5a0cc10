package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

/**
 * The walking skeleton's promise on the real stack: broker, five services as processes, the router
 * and sample-app instances started by the provisioner, live traffic through the router.
 */
class BlueGreenIT {

    static final Map<String, Object> SETTINGS = Map.of("health", Map.of("monitor-window-ms", 4000));

    @Test
    void healthyVersionIsSwitchedAndBrokenVersionRolledBackWithoutFailingAUserRequest() {
        try (Scenario s = new Scenario("shop")) {
            s.given().settings(SETTINGS).stable("1.0.0").traffic(60)
                    .then().answered(30).allAnswersFrom("1.0.0");

            // v2, healthy: traffic moves to it, v1 is stopped
            s.when().deploy("2.0.0", "blue-green")
                    .then().status("SUCCEEDED").routerServesOnly("2.0.0").onlyRunning("2.0.0");
            System.out.printf("[figures] v2 request -> SUCCEEDED: %.2f s%n", s.lastDeployment().toMillis() / 1e3);

            // v3 breaks under real traffic after the switch: rolled back to v2, v3 stopped
            s.when().deploy("3.0.0", "blue-green", CanaryIT.appEnv("SAMPLE_FAIL_HEALTH_AFTER_REQUESTS", "40"))
                    .then().status("ROLLED_BACK").routerServesOnly("2.0.0").onlyRunning("2.0.0");
            printRollbackFigures(s.view());

            s.then().noFailedRequests().sentMoreThan(200);
            System.out.println("[figures] traffic during v2 and v3: " + s.traffic());
        }
        System.out.printf("[figures] total RSS of the stack: %d MiB%n", Stack.get().totalRssKib() / 1024);
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
