package dev.cutover.testing.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    /** Strong reference: java.util.logging keeps loggers weakly. */
    private static final java.util.logging.Logger KAFKA_CLIENT_LOG = java.util.logging.Logger.getLogger("org.apache.kafka");

    @BeforeAll
    static void quietKafkaClients() {
        KAFKA_CLIENT_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    @Test
    void sharedBrokerSupportsIdempotentProduceAndGroupConsume() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        assertSame(broker, KafkaBroker.shared(), "one broker per JVM");
        String bootstrap = broker.bootstrapServers();
        String topic = "cutover-test-" + UUID.randomUUID();

        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }

        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "cutover-test-group-" + UUID.randomUUID());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return values.size() >= 10;
            });
            consumer.commitSync();
            assertFalse(consumer.committed(consumer.assignment()).isEmpty(), "group offsets committed");
        }
        assertEquals(10, values.size());
        assertEquals(Set.of("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"), Set.copyOf(values));
    }

    @Test
    void testResourceExposesSharedBroker() {
        Map<String, String> config = new KafkaBrokerTestResource().start();
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        assertEquals(bootstrap, config.get("kafka.bootstrap.servers"));
        assertEquals(bootstrap, config.get("mp.messaging.connector.smallrye-kafka.bootstrap.servers"));
    }

    @Test
    void privateBrokerStopsOnClose() {
        KafkaBroker broker = KafkaBroker.start();
        Process process = broker.process();
        assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:") || process == null, broker.toString());
        broker.close();
        if (process != null) {
            assertFalse(process.isAlive(), "broker process stopped");
        }
    }
}
