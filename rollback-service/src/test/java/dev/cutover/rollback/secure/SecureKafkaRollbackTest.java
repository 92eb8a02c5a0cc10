package dev.cutover.rollback.secure;

import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackStarted;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.testing.kafka.KafkaBroker;
import dev.cutover.testing.kafka.KafkaTestClient;
import dev.cutover.testing.kafka.SecureKafkaProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The service on the secure-profile broker (SASL_SSL, SCRAM-SHA-512, deny unless an ACL allows), logged in as
 * {@code User:rollback}: a command in, its event and its provisioner command out. The test plays the orchestrator
 * and the provisioner as their own principals, with their own groups.
 */
@QuarkusTest
@TestProfile(SecureKafkaRollbackTest.RollbackPrincipal.class)
class SecureKafkaRollbackTest {

    private static final Target SHOP = new Target("shop", "staging");
    private static final Duration WAIT = Duration.ofSeconds(30);

    public static class RollbackPrincipal implements QuarkusTestProfile, SecureKafkaProfile {
        @Override
        public String kafkaPrincipal() {
            return "rollback";
        }
    }

    @Test
    void aStartRollbackIsAnsweredWithTheServicesOwnPrincipal() {
        KafkaBroker broker = KafkaBroker.sharedSecure();
        try (KafkaTestClient orchestrator = new KafkaTestClient(broker.clientConfig("orchestrator"),
                "cutover-orchestrator", Topics.ROLLBACK_EVENTS);
             KafkaTestClient provisioner = new KafkaTestClient(broker.clientConfig("provisioner"),
                     "cutover-provisioner", Topics.PROVISIONER_COMMANDS)) {
            String id = "rb-" + UUID.randomUUID();
            StartRollback command = new StartRollback(Meta.start(id), SHOP, "blue", "green", "immediate",
                    "post-switch failed");
            orchestrator.send(command);

            RollbackStarted started = await().atMost(WAIT).until(
                    () -> orchestrator.messages(Topics.ROLLBACK_EVENTS, id, RollbackStarted.class),
                    l -> !l.isEmpty()).get(0);
            assertEquals("immediate", started.strategy());
            assertEquals(command.meta().correlationId(), started.meta().correlationId());
            ShiftTraffic shift = await().atMost(WAIT).until(
                    () -> provisioner.messages(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class),
                    l -> !l.isEmpty()).get(0);
            assertEquals(Map.of("blue", 100, "green", 0), shift.weights());
        }
    }
}
