package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.local.CutoverClient;
import dev.cutover.local.LocalStack;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The orchestrator keeps no state only in memory: SIGKILL it mid-deployment, restart it, it finishes. */
class OrchestratorCrashIT {

    @Test
    void deploymentReachesItsTerminalStateAcrossAnOrchestratorCrash() {
        LocalStack stack = Stack.get();
        CutoverClient client = stack.client("orchestrator-service");
        String app = "billing";
        int routerPort = LocalStack.freePort();

        Map<String, Object> request = new LinkedHashMap<>();
        request.put("application", app);
        request.put("environment", "development");
        request.put("version", "5.0.0");
        request.put("artifact", stack.sampleAppJar().toUri().toString());
        request.put("overrides", Map.of("router", Map.of("port", routerPort),
                "health", Map.of("monitor-window-ms", 6000), "app", Map.of("env", Map.of("E2E_APP", app))));
        CutoverClient.Response accepted = client.deploy(request);
        assertEquals(202, accepted.status(), () -> String.valueOf(accepted.body()));
        String id = accepted.body().path("id").asText();

        // kill it while traffic is on the new slot and the monitoring window is running
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> "MONITORING".equals(client.deployment(id).path("status").asText()));
        stack.kill("orchestrator-service");
        stack.restart("orchestrator-service");

        JsonNode done = client.awaitTerminal(id, Duration.ofMinutes(2));
        assertEquals("SUCCEEDED", done.path("status").asText(), done::toString);
        await().atMost(Duration.ofSeconds(10)).until(() -> Stack.runningVersions(app).equals(List.of("5.0.0")));
    }
}
