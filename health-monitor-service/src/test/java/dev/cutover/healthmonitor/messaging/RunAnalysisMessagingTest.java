package dev.cutover.healthmonitor.messaging;

import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.HealthMonitorEvent.Outcome;
import dev.cutover.events.HealthMonitorEvent.RuleOutcome;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.healthmonitor.analysis.DataPlane;
import dev.cutover.healthmonitor.analysis.Traffic;
import dev.cutover.testing.kafka.BrokerClientTest;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RunAnalysis on the real broker (the module's shared broker, see RunHealthCheckMessagingTest), analysing a real
 * router with real traffic to a canary that fails 20 % of its requests; the verdict comes back on
 * cutover.healthmonitor.events with its decision record. (The rule outcomes themselves are covered by
 * AnalysisJudgeTest and CanaryAnalysisOnRouterTest; here it is the wiring.)
 */
@QuarkusTest
class RunAnalysisMessagingTest extends BrokerClientTest {

    static DataPlane plane;

    @BeforeAll
    static void startDataPlane() throws Exception {
        plane = DataPlane.start(Map.of("SAMPLE_ERROR_RATE", "0.2"), 25);
    }

    @AfterAll
    static void stopDataPlane() {
        plane.close();
    }

    static RunAnalysis command(AnalysisSpec spec) {
        return new RunAnalysis(Meta.start("d-" + UUID.randomUUID()), new Target("shop", "staging"), DataPlane.CANARY,
                DataPlane.STABLE, 2, 25, plane.metricsUrl(), plane.canaryUrl(), spec);
    }

    static AnalysisSpec spec(long windowMs, long probeIntervalMs) {
        return new AnalysisSpec(windowMs, probeIntervalMs, 10, 1, 1000, InsufficientDataPolicy.PAUSE, 1.5, 1.2, 0.8, 0.05,
                2000, List.of("/health", "/ready"), 2);
    }

    @Test
    void runAnalysisAnswersAnalysisCompletedWithACompleteDecisionRecord() throws Exception {
        RunAnalysis command = command(spec(10_000, 250));
        kafka.send(command);
        AnalysisCompleted done;
        try (Traffic traffic = Traffic.start(plane.trafficUrl(), 4, 50_000)) {
            ConsumerRecord<String, byte[]> record = kafka.awaitMessageRecord(Topics.HEALTH_MONITOR_EVENTS,
                    m -> command.meta().messageId().equals(m.meta().causationId()));
            assertEquals("shop/staging", record.key());
            assertEquals("dev.cutover.healthmonitor.analysis-completed.v1", KafkaTestClient.header(record, "ce_type"));
            assertEquals("health-monitor-service", KafkaTestClient.header(record, "ce_source"));
            done = assertInstanceOf(AnalysisCompleted.class, KafkaMessages.decode(record.headers(), record.value()));
        }

        assertEquals(Verdict.FAIL, done.verdict(), done.decision().summary() + " " + done.decision().rules());
        assertEquals("error-rate-absolute", done.decision().firedRule());
        assertTrue(done.decision().summary().startsWith("canary error rate "), done.decision().summary());
        assertEquals(command.meta().deploymentId(), done.meta().deploymentId());
        assertEquals(command.meta().correlationId(), done.meta().correlationId());
        assertEquals(DataPlane.CANARY, done.canarySlot());
        assertEquals(2, done.step());
        assertTrue(done.decision().windowMs() < 10_000, "ended early: " + done.decision().windowMs());
        assertTrue(done.decision().canary().requests() >= 10 && done.decision().canary().errors() > 0, done.decision().toString());
        assertTrue(done.decision().baseline().requests() > 0 && done.decision().baseline().errors() == 0, done.decision().toString());
        assertNotNull(done.decision().canary().errorRate());
        assertNotNull(done.decision().canary().p95Ms());
        assertNotNull(done.decision().baseline().throughputPerWeight());
        assertNull(done.decision().policyApplied());
        assertEquals("router", done.decision().metricProvider());
        assertEquals(List.of("health-check", "min-samples", "baseline-sanity", "error-rate-absolute", "latency-p95-absolute",
                "error-rate-relative", "latency-p95-relative", "throughput-relative"),
                done.decision().rules().stream().map(RuleOutcome::rule).toList());
        for (RuleOutcome rule : done.decision().rules()) {
            assertNotNull(rule.outcome(), rule.toString());
            assertFalse(rule.detail().isBlank());
        }
        RuleOutcome fired = done.decision().rules().get(3);
        assertEquals(Outcome.FAIL, fired.outcome());
        assertEquals(0.05, fired.limit());

        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("cutover_healthmonitor_analyses_total{provider=\"router\",rule=\"error-rate-absolute\",verdict=\"FAIL\"}"))
                .body(containsString("cutover_healthmonitor_analysis_duration_seconds_count{verdict=\"FAIL\"}"))
                .body(containsString("cutover_healthmonitor_analyses_running"));
    }

    @Test
    void anAnalysisThatCannotRunIsDeadLetteredAndTheNextOneStillRuns() throws Exception {
        RunAnalysis invalid = new RunAnalysis(Meta.start("d-" + UUID.randomUUID()), new Target("shop", "staging"),
                DataPlane.CANARY, DataPlane.CANARY, 2, 25, "not a url", null, spec(0, 250));
        kafka.send(invalid);
        RunAnalysis valid = command(spec(500, 250)); // no traffic: INSUFFICIENT_DATA after one extension
        kafka.send(valid);

        ConsumerRecord<String, byte[]> dead = kafka.awaitMessageRecord(Topics.deadLetter(Topics.HEALTH_MONITOR_COMMANDS),
                m -> invalid.meta().messageId().equals(m.meta().messageId()));
        assertEquals("invalid dev.cutover.healthmonitor.run-analysis.v1: canarySlot and baselineSlot must differ; "
                        + "metricsUrl must be an absolute http(s) URL or an azure-monitor: source; spec.windowMs must be positive",
                KafkaTestClient.header(dead, "dead-letter-reason"));
        AnalysisCompleted done = assertInstanceOf(AnalysisCompleted.class,
                kafka.awaitCausedBy(Topics.HEALTH_MONITOR_EVENTS, valid.meta().messageId()));
        assertEquals(Verdict.INSUFFICIENT_DATA, done.verdict());
        assertEquals("PAUSE", done.decision().policyApplied());
        assertEquals(1, done.decision().extensions());
    }
}
