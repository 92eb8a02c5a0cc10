package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.events.MessageCodec;
import dev.cutover.events.RollbackEvent.RollbackStepCompleted;
import dev.cutover.events.Topics;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Canary steps judged against the baseline on real router metrics, with live traffic. Every test has its
 * own application and router. Failed requests are counted apart from the errors a broken canary injects.
 */
class CanaryIT {

    /**
     * Short windows so the suite stays fast; 100 requests/s gives a 5 % canary ~15 requests per window. A freshly
     * started canary JVM answers far slower than the warm baseline in its first seconds (seen without a warm-up:
     * p95 253 vs 145 ms, 69 vs 8 ms); the first step's warm-up keeps those requests out of the comparison, so the
     * default relative latency rule (1.2x) applies to every test.
     */
    static final Map<String, Object> FAST = Map.of(
            "analysis", Map.of("warmup-ms", 2000, "window-ms", 3000, "probe-interval-ms", 500, "min-samples", 10,
                    "max-extensions", 1, "extension-ms", 1500),
            "health", Map.of("monitor-window-ms", 2000));

    static Map<String, Object> fast(Map<String, Object> more) {
        Map<String, Object> merged = new java.util.LinkedHashMap<>(FAST);
        Deployments.deepMerge(merged, more);
        return merged;
    }

    static Map<String, Object> appEnv(String name, String value) {
        return Map.of("app", Map.of("env", Map.of(name, value)));
    }

    static void report(String what, Scenario s) {
        List<String> p95s = new ArrayList<>();
        for (JsonNode analysis : s.view().path("analyses")) {
            JsonNode d = analysis.path("decision");
            p95s.add(String.format(java.util.Locale.ROOT, "%.0f/%.0f ms (%d/%d req)", d.path("canary").path("p95Ms").asDouble(),
                    d.path("baseline").path("p95Ms").asDouble(), d.path("canary").path("requests").asLong(),
                    d.path("baseline").path("requests").asLong()));
        }
        System.out.printf("[figures] %s: %s, verdicts %s, p95 canary/baseline %s, traffic %s%n", what,
                s.view().path("status").asText(), Scenario.verdicts(s.view()), p95s, s.traffic());
    }

    /** An application on its own router, 1.0.0 deployed (blue-green) and stable, with the fast settings. */
    static Scenario stable(String application) {
        Scenario s = new Scenario(application);
        s.given().settings(FAST).stable("1.0.0");
        return s;
    }

    @Test
    void healthyCanaryIsPromotedThroughEveryStep() {
        try (Scenario s = stable("canary-ok")) {
            s.given().traffic(100).when().deploy("2.0.0", "canary");
            report("healthy canary", s);
            s.then().status("SUCCEEDED").verdicts("PASS@5", "PASS@25", "PASS@50")
                    .routerServesOnly("2.0.0").onlyRunning("2.0.0").noFailedRequests().noInjectedErrors();
        }
    }

    @Test
    void canaryWithTwentyPercentErrorsIsRolledBackAtItsFirstStep() {
        try (Scenario s = stable("canary-errors")) {
            s.given().traffic(100).when().deploy("2.0.0", "canary", appEnv("SAMPLE_ERROR_RATE", "0.2"));
            report("canary with 20% errors", s);
            s.then().status("ROLLED_BACK").verdicts("FAIL@5")
                    .firstDecision(decision -> {
                        assertEquals("error-rate-absolute", decision.path("firedRule").asText(), decision::toString);
                        assertTrue(decision.path("canary").path("requests").asLong() >= 10, decision::toString);
                    })
                    .routerServesOnly("1.0.0").onlyRunning("1.0.0").noFailedRequests().injectedErrorsSeen();
        }
    }

    @Test
    void canaryWithAddedLatencyIsRolledBack() {
        try (Scenario s = stable("canary-slow")) {
            s.given().traffic(100).when().deploy("2.0.0", "canary", appEnv("SAMPLE_LATENCY_MS", "500"));
            report("canary with +500 ms", s);
            s.then().status("ROLLED_BACK").verdicts("FAIL@5")
                    .firstDecision(decision -> {
                        String rule = decision.path("firedRule").asText();
                        assertTrue(rule.startsWith("latency-p95"), rule);
                    })
                    .routerServesOnly("1.0.0").noFailedRequests();
        }
    }

    @Test
    void canaryWithTooLittleTrafficReachesInsufficientDataAndFollowsThePausePolicy() {
        try (Scenario s = stable("canary-quiet")) {
            // no user traffic at all
            s.when().start("2.0.0", "canary", Map.of("analysis", Map.of("insufficient-data-policy", "pause")))
                    .awaitStatus("PAUSED")
                    .then().verdicts("INSUFFICIENT_DATA@5")
                    .firstDecision(decision -> assertEquals("PAUSE", decision.path("policyApplied").asText().toUpperCase()))
                    // an operator decides: roll back
                    .when().action("rollback").awaitTerminal(Duration.ofMinutes(1))
                    .then().status("ROLLED_BACK").onlyRunning("1.0.0");
        }
    }

    @Test
    void gradualRollbackStepsTrafficBackToStable() throws Exception {
        try (Scenario s = stable("canary-gradual")) {
            s.given().traffic(100)
                    .when().start("2.0.0", "canary", Map.of(
                            "canary", Map.of("steps", List.of(25, 50, 100)),
                            "rollback", Map.of("strategy", "gradual", "step-interval-ms", 1000)))
                    // break the canary once it carries 50 %: the rollback then walks back through 25 % to 0 %
                    .awaitView("its 50 % step", view -> Scenario.verdicts(view).contains("PASS@25"))
                    .fault("2.0.0", "error-rate=0.5")
                    .awaitTerminal(Duration.ofMinutes(2));
            report("gradual rollback", s);
            s.then().status("ROLLED_BACK");
            List<Map<String, Integer>> steps = rollbackSteps(s.deploymentId());
            assertTrue(steps.size() >= 2, "gradual rollback steps: " + steps);
            assertEquals(0, steps.get(steps.size() - 1).getOrDefault(slotOf(s.view()), 0), "last step leaves the canary at 0");
            s.then().routerServesOnly("1.0.0").noFailedRequests();
        }
    }

    static String slotOf(JsonNode view) {
        return view.path("slot").asText();
    }

    static List<Map<String, Integer>> rollbackSteps(String deploymentId) {
        List<Map<String, Integer>> steps = new ArrayList<>();
        for (var record : RequestsTopicIT.readAll(Topics.ROLLBACK_EVENTS)) {
            Header type = record.headers().lastHeader(MessageCodec.TYPE_HEADER);
            if (type != null && MessageCodec.typeName(RollbackStepCompleted.class)
                    .equals(new String(type.value(), StandardCharsets.UTF_8))) {
                RollbackStepCompleted step = (RollbackStepCompleted) MessageCodec.decode(
                        MessageCodec.typeName(RollbackStepCompleted.class), record.value());
                if (deploymentId.equals(step.meta().deploymentId())) {
                    steps.add(step.weights());
                }
            }
        }
        return steps;
    }
}
