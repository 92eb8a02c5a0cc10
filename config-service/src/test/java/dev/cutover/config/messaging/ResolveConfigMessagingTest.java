package dev.cutover.config.messaging;

import dev.cutover.testing.kafka.BrokerClientTest;
import dev.cutover.testing.kafka.KafkaTestClient;
import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent.ConfigRejected;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.testing.kafka.KafkaBrokerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service on a real broker: commands in, answers out, malformed records to the DLQ. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)
class ResolveConfigMessagingTest extends BrokerClientTest {

    @Test
    void resolveConfigAnswersWithTheMergedConfig() throws Exception {
        ResolveConfig command = command("staging", Map.of("app", Map.of("env", Map.of("LOG_LEVEL", "debug"))));

        ConfigResolved resolved = assertInstanceOf(ConfigResolved.class, ask(command));
        assertEquals(command.target(), resolved.target());
        assertEquals(command.meta().deploymentId(), resolved.meta().deploymentId());
        assertEquals(command.meta().correlationId(), resolved.meta().correlationId());
        assertEquals(Map.of("port", 0), resolved.config().get("router")); // shop declares none: from the pool
        assertEquals(Map.of("env", Map.of("LOG_LEVEL", "debug")), resolved.config().get("app"));
        assertEquals(5000, ((Map<?, ?>) resolved.config().get("health")).get("monitor-window-ms"));
        assertTrue(resolved.configHash().matches("sha256:[0-9a-f]{64}"), resolved.configHash());
    }

    @Test
    void unknownEnvironmentIsRejected() throws Exception {
        ConfigRejected rejected = assertInstanceOf(ConfigRejected.class, ask(command("stagin", Map.of())));
        assertEquals("unknown environment 'stagin' (known: development, production, staging)", rejected.reason());
    }

    @Test
    void invalidOverrideIsRejectedNamingTheKey() throws Exception {
        ConfigRejected rejected = assertInstanceOf(ConfigRejected.class,
                ask(command("production", Map.of("health", Map.of("timeout-ms", -5)))));
        // ConfigRejected has only its reason: the one wording check here names the key
        assertTrue(rejected.reason().contains("health.timeout-ms"), rejected.reason());
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicAndTheConsumerKeepsGoing() throws Exception {
        KafkaTestClient.Malformed bad = kafka.sendMalformed(Topics.CONFIG_COMMANDS, "dev.cutover.config.resolve.v1");
        ConfigResolved resolved = assertInstanceOf(ConfigResolved.class, ask(command("development", Map.of())));

        assertTrue(kafka.awaitDeadLetterReason(Topics.CONFIG_COMMANDS, bad.badJsonKey())
                .startsWith("unreadable dev.cutover.config.resolve.v1"));
        assertEquals("missing ce_type header", kafka.awaitDeadLetterReason(Topics.CONFIG_COMMANDS, bad.noTypeKey()));
        assertEquals(Map.of("port", 0), resolved.config().get("router"));
    }

    @Test
    void anApplicationsOwnRouterPortIsResolved() throws Exception {
        ResolveConfig command = new ResolveConfig(Meta.start("d-" + UUID.randomUUID()),
                new Target("sample-app", "staging"), "2.0.0", Map.of());
        ConfigResolved resolved = assertInstanceOf(ConfigResolved.class, ask(command));
        assertEquals(Map.of("port", 18180), resolved.config().get("router"));
        assertEquals("application:sample-app/staging", resolved.provenance().get("router.port"));
    }

    @Test
    void healthAndMetricsAreServed() throws Exception {
        ask(command("development", Map.of()));

        given().get("/q/health").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("cutover_config_resolutions_total{environment=\"development\",outcome=\"resolved\"}"));
    }

    private static Message ask(ResolveConfig command) {
        return kafka.sendAndAwaitReply(command, Topics.CONFIG_EVENTS);
    }

    private static ResolveConfig command(String environment, Map<String, Object> overrides) {
        return new ResolveConfig(Meta.start("d-" + UUID.randomUUID()), new Target("shop", environment), "2.0.0", overrides);
    }
}
