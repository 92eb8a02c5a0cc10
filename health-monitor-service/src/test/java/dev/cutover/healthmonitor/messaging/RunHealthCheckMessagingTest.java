package dev.cutover.healthmonitor.messaging;

import dev.cutover.testing.kafka.BrokerClientTest;
import dev.cutover.testing.kafka.KafkaTestClient;
import dev.cutover.events.HealthMonitorCommand.CheckMode;
import dev.cutover.events.HealthMonitorCommand.HealthCheckSpec;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.healthmonitor.check.TestHttpServer;
import dev.cutover.testing.kafka.KafkaBroker;
import dev.cutover.testing.kafka.KafkaBrokerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service on a real broker, probing a real local HTTP server. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)
class RunHealthCheckMessagingTest extends BrokerClientTest {

    static TestHttpServer app;

    @BeforeAll
    static void startApp() throws Exception {
        app = new TestHttpServer()
                .answer("/health", 200, "{\"status\":\"UP\"}")
                .answer("/ready", 200, "ready")
                .answer("/broken", 503, "{\"status\":\"DOWN\"}");
    }

    @AfterAll
    static void stopApp() {
        app.close();
    }

    @Test
    void healthyInstancePasses() throws Exception {
        RunHealthCheck command = command(List.of("/health", "/ready"));

        HealthCheckCompleted done = run(command);
        assertTrue(done.passed(), done.reason());
        assertEquals(command.meta().deploymentId(), done.meta().deploymentId());
        assertEquals("green", done.slot());
        assertEquals("pre-switch", done.phase());
        assertEquals(2, done.rounds());
        assertEquals(List.of(200, 200), done.lastProbes().stream().map(p -> p.status()).toList());
    }

    @Test
    void failingInstanceFailsWithTheReason() throws Exception {
        HealthCheckCompleted done = run(command(List.of("/health", "/broken")));
        assertFalse(done.passed());
        assertEquals("/broken", done.lastProbes().get(1).path());
        assertEquals(503, done.lastProbes().get(1).status());
    }

    @Test
    void aCommandSentAgainAfterItsVerdictIsAnsweredWithTheRecordedVerdict() throws Exception {
        RunHealthCheck command = command(List.of("/health"));
        HealthCheckCompleted first = run(command);

        try (KafkaTestClient events = new KafkaTestClient(KafkaBroker.shared().bootstrapServers(),
                Topics.HEALTH_MONITOR_EVENTS)) {
            kafka.send(command); // the orchestrator asking again (same messageId)
            await().atMost(KafkaTestClient.WAIT).until(() -> events.messages(Topics.HEALTH_MONITOR_EVENTS,
                    command.meta().deploymentId(), HealthCheckCompleted.class).size() == 2);
            assertEquals(List.of(first, first), events.messages(Topics.HEALTH_MONITOR_EVENTS,
                    command.meta().deploymentId(), HealthCheckCompleted.class),
                    "the same verdict event again, not a second check");
        }
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicAndTheConsumerKeepsGoing() throws Exception {
        KafkaTestClient.Malformed bad = kafka.sendMalformed(Topics.HEALTH_MONITOR_COMMANDS,
                "dev.cutover.healthmonitor.run-health-check.v1");
        HealthCheckCompleted done = run(command(List.of("/health")));

        assertTrue(kafka.awaitDeadLetterReason(Topics.HEALTH_MONITOR_COMMANDS, bad.badJsonKey())
                .startsWith("unreadable dev.cutover.healthmonitor.run-health-check.v1"));
        assertEquals("missing ce_type header", kafka.awaitDeadLetterReason(Topics.HEALTH_MONITOR_COMMANDS, bad.noTypeKey()));
        assertTrue(done.passed());
    }

    @Test
    void healthAndMetricsAreServed() throws Exception {
        run(command(List.of("/health")));

        given().get("/q/health").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("cutover_healthmonitor_checks_total{outcome=\"passed\",phase=\"pre-switch\"}"))
                .body(containsString("cutover_healthmonitor_probes_total{path=\"/health\",result=\"pass\"}"))
                .body(containsString("cutover_healthmonitor_check_duration_seconds_count{outcome=\"passed\",phase=\"pre-switch\"}"));
    }

    private static HealthCheckCompleted run(RunHealthCheck command) {
        return assertInstanceOf(HealthCheckCompleted.class, kafka.sendAndAwaitReply(command, Topics.HEALTH_MONITOR_EVENTS));
    }

    private static RunHealthCheck command(List<String> paths) {
        return new RunHealthCheck(Meta.start("d-" + UUID.randomUUID()), new Target("shop", "staging"), "green",
                app.baseUrl(), "pre-switch", CheckMode.UNTIL_HEALTHY,
                new HealthCheckSpec(paths, 1000, 50, 2, 3000, 0, 2));
    }
}
