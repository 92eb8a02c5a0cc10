package dev.cutover.rollback.messaging;

import dev.cutover.events.Message;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.testing.kafka.KafkaBroker;
import dev.cutover.testing.kafka.KafkaTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * Base of the service's tests on the module's shared broker: the test plays the orchestrator and the provisioner
 * through one {@link KafkaTestClient}, which records from the beginning what the service publishes (rollback events,
 * provisioner commands) and what it dead-letters.
 */
abstract class RollbackBrokerTest {

    static final Target SHOP = new Target("shop", "staging");
    static final Duration WAIT = Duration.ofSeconds(30);
    static KafkaTestClient kafka;

    @BeforeAll
    static void connectToBroker() {
        kafka = new KafkaTestClient(KafkaBroker.shared().bootstrapServers(), Topics.PROVISIONER_COMMANDS,
                Topics.ROLLBACK_EVENTS, Topics.deadLetter(Topics.ROLLBACK_COMMANDS),
                Topics.deadLetter(Topics.PROVISIONER_EVENTS));
    }

    @AfterAll
    static void closeBrokerClient() {
        kafka.close();
    }

    /** Awaits ({@link #WAIT}) at least {@code n} messages of {@code type} about deployment {@code id} on {@code topic}. */
    static <T extends Message> List<T> awaitCount(String topic, String id, Class<T> type, int n) {
        return await().atMost(WAIT).until(() -> kafka.messages(topic, id, type), l -> l.size() >= n);
    }

    /** Awaits ({@link #WAIT}) the first message of {@code type} about deployment {@code id} on {@code topic}. */
    static <T extends Message> T awaitOne(String topic, String id, Class<T> type) {
        return awaitCount(topic, id, type, 1).get(0);
    }
}
