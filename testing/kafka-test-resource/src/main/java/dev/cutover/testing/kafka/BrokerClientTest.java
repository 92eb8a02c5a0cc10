package dev.cutover.testing.kafka;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of a test that plays another service on the module's shared broker through one {@link KafkaTestClient},
 * connected before the class's tests and closed after them.
 */
public abstract class BrokerClientTest {

    protected static KafkaTestClient kafka;

    @BeforeAll
    protected static void connectToBroker() {
        kafka = new KafkaTestClient();
    }

    @AfterAll
    protected static void closeBrokerClient() {
        kafka.close();
    }
}
