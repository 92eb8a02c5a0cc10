package dev.cutover.healthmonitor.messaging;

import dev.cutover.testing.kafka.KafkaTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test of the service on the module's shared broker, playing the orchestrator through one Kafka client. */
abstract class BrokerTest {

    static KafkaTestClient kafka;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient();
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }
}
