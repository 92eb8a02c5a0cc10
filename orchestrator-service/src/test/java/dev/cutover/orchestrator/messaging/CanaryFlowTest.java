package dev.cutover.orchestrator.messaging;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.HealthMonitorEvent.DecisionRecord;
import dev.cutover.events.HealthMonitorEvent.MetricSample;
import dev.cutover.events.HealthMonitorEvent.RuleOutcome;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.testing.FlowTest;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A canary on the real broker, the test playing config-service, provisioner, health-monitor and rollback-service. */
@QuarkusTest
class CanaryFlowTest extends FlowTest {

    private static final String V1_URL = "http://127.0.0.1:41101";
    private static final String V2_URL = "http://127.0.0.1:41102";
    private static final Map<String, Object> CONFIG = Map.of(
            "router", Map.of("port", 18300),
            "health", Map.of("max-wait-ms", 2000, "monitor-window-ms", 300),
            "canary", Map.of("steps", List.of(20, 50, 100)),
            "analysis", Map.of("window-ms", 500, "min-samples", 10, "insufficient-data-policy", "fail"));

    @Test
    void stepsThenAFailVerdictRollsBackAndTheEarlierRevisionCanBeRedeployed() {
        Target target = new Target("canary-flow", "test");
        // first deployment: nothing to compare with, so it runs as blue-green
        String first = post("1.0.0");
        resolveConfig(first, "sha256:canary", CONFIG);
        provisionAndVerify(first, "blue", V1_URL);
        assertEquals(Map.of("blue", 100), shiftTraffic(first).weights());
        passCheck(first, "post-switch");
        awaitStatus(first, DeploymentStatus.SUCCEEDED);
        given().when().get("/deployments/" + first).then()
                .body("stages.name", contains("config", "plan", "provision", "verify", "switch", "monitor"));

        // second: canary steps 20 → 50 → 100 over blue
        String id = post("2.0.0");
        resolveConfig(id, "sha256:canary", CONFIG);
        provisionAndVerify(id, "green", V2_URL);
        step(id, target, 0, 20, Verdict.PASS);
        await().atMost(KafkaTestClient.WAIT).untilAsserted(() -> given().when().get("/deployments/" + id).then()
                .body("status", equalTo("PROGRESSING"))
                .body("currentStep", equalTo(1))
                .body("steps", contains(20, 50, 100)));
        step(id, target, 1, 50, Verdict.FAIL);

        StartRollback rollback = kafka.awaitMessage(StartRollback.class, id);
        assertEquals("blue", rollback.stableSlot());
        assertEquals("green", rollback.failedSlot());
        assertEquals("immediate", rollback.strategy());
        awaitStatus(id, DeploymentStatus.ROLLING_BACK);
        kafka.send(new TrafficShifted(Meta.causedBy(rollback.meta()), target, Map.of("blue", 100, "green", 0), null,
                "rollback"));
        kafka.send(new RollbackCompleted(Meta.causedBy(rollback.meta()), target, "blue", 25, 140));
        awaitStatus(id, DeploymentStatus.ROLLED_BACK);
        given().when().get("/deployments/" + id).then()
                .body("analyses.verdict", contains("PASS", "FAIL"))
                .body("analyses.canaryWeight", contains(20, 50))
                .body("analyses[1].decision.firedRule", equalTo("max-error-rate"))
                .body("analyses[1].decision.canary.requests", equalTo(200))
                // the failed analysis of the second step is what rolled it back
                .body("currentStep", equalTo(1))
                .body("failures", hasSize(1))
                .body("failures[0].type", equalTo("APPLICATION_FAILURE"))
                .body("failures[0].stage", equalTo("analysis"))
                .body("failures[0].action", equalTo("rollback"))
                .body("rollback.trafficRestoredMs", equalTo(25))
                .body("pipeline.name", contains("provision", "deploy", "test", "promote", "rollback"))
                .body("pipeline[1].rollbackPoint", equalTo(true));
        // rollback never re-runs analysis: exactly the two steps' analyses were asked for
        assertEquals(2, kafka.messages(id).stream().filter(RunAnalysis.class::isInstance).count());

        // roll back to the earlier successful revision, as a new deployment with its configuration pinned
        String again = given().contentType(ContentType.JSON).body("{}").when()
                .post("/deployments/" + first + "/redeploy").then().statusCode(202)
                .body("version", equalTo("1.0.0"))
                .body("strategy", equalTo("canary"))
                .body("status", equalTo("PROVISIONING"))
                .body("configPinnedFrom", equalTo(first))
                .extract().path("id");
        assertTrue(!again.equals(first));
        plan(again, NO_CHANGES);
        kafka.awaitMessage(ProvisionSlot.class, again);
        given().contentType(ContentType.JSON).when().post("/deployments/" + again + "/abort").then().statusCode(202)
                // nothing was switched yet: the new slot is just released
                .body("status", equalTo("CLEANING_UP"))
                .body("actions.action", contains("abort"));
    }

    private void step(String id, Target target, int step, int weight, Verdict verdict) {
        ShiftTraffic shift = shiftTraffic(id, s -> s.weights().get("green") == weight, null);
        assertEquals(Map.of("green", weight, "blue", 100 - weight), shift.weights());
        RunAnalysis analysis = kafka.awaitMessage(RunAnalysis.class, id, a -> a.step() == step);
        assertEquals("green", analysis.canarySlot());
        assertEquals("blue", analysis.baselineSlot());
        assertEquals(weight, analysis.canaryWeight());
        assertEquals("http://127.0.0.1:18301", analysis.metricsUrl());
        assertEquals(V2_URL, analysis.canaryUrl());
        assertEquals(500, analysis.spec().windowMs());
        assertEquals(10, analysis.spec().minSamples());
        assertEquals(InsufficientDataPolicy.FAIL, analysis.spec().insufficientDataPolicy());
        boolean fail = verdict == Verdict.FAIL;
        DecisionRecord decision = new DecisionRecord(
                new MetricSample(200, fail ? 18 : 1, fail ? 0.09 : 0.005, 40.0, 10.0),
                new MetricSample(800, 4, 0.005, 38.0, 10.0),
                List.of(new RuleOutcome("max-error-rate", fail ? "FAIL" : "PASS", fail ? 0.09 : 0.005, null, 0.05,
                        "canary error rate vs limit")),
                fail ? "max-error-rate" : null, fail ? "canary error rate 9% > 5%" : "all rules passed", 500, 0, null);
        kafka.send(new AnalysisCompleted(Meta.causedBy(analysis.meta()), target, "green", step, verdict, decision));
    }

    private void provisionAndVerify(String id, String slot, String url) {
        assertEquals(slot, provision(id, url).slot());
        passCheck(id, "pre-switch");
    }

    private static String post(String version) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("application", "canary-flow", "environment", "test", "version", version,
                        "artifact", "file:/apps/canary-" + version + ".jar", "strategy", "canary"))
                .when().post("/deployments").then().statusCode(202).extract().path("id");
    }
}
