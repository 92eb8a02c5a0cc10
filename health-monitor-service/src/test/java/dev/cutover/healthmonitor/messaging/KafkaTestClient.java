package dev.cutover.healthmonitor.messaging;

import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.testing.kafka.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** Plain Kafka clients on the shared test broker: what another service would send and see. */
final class KafkaTestClient implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;

    KafkaTestClient() {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    void send(Message message) throws Exception {
        producer.send(new ProducerRecord<>(message.topic(), null, KafkaMessages.key(message), KafkaMessages.value(message),
                KafkaMessages.headers(message, "test"))).get();
    }

    void sendRaw(String topic, String key, Map<String, String> headers, byte[] value) throws Exception {
        RecordHeaders h = new RecordHeaders();
        headers.forEach((k, v) -> h.add(k, v.getBytes()));
        producer.send(new ProducerRecord<>(topic, null, key, value, h)).get();
    }

    /** Reads {@code topic} from the beginning until a record matches, or fails after the timeout. */
    ConsumerRecord<String, byte[]> awaitRecord(String topic, Predicate<ConsumerRecord<String, byte[]>> match) {
        List<ConsumerRecord<String, byte[]>> found = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        found.add(r);
                    }
                }
                return !found.isEmpty();
            });
        }
        return found.get(0);
    }

    /** Awaits the message on {@code topic} caused by {@code causeId}. */
    Message awaitCausedBy(String topic, String causeId) {
        ConsumerRecord<String, byte[]> r = awaitRecord(topic, rec -> {
            try {
                return causeId.equals(KafkaMessages.decode(rec.headers(), rec.value()).meta().causationId());
            } catch (RuntimeException e) {
                return false;
            }
        });
        return KafkaMessages.decode(r.headers(), r.value());
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
