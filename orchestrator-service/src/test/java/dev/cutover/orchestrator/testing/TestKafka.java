package dev.cutover.orchestrator.testing;

import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.events.Topics;
import dev.cutover.testing.kafka.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.stream.Stream;


/**
 * The test's side of the broker: plays the agents and CI with a plain producer, and reads every topic the
 * orchestrator writes (from the beginning, no group) to find the messages of one deployment.
 */
public final class TestKafka implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(30);

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

    public TestKafka(String... extraTopics) {
        String bootstrap = bootstrapServers();
        List<String> topics = new ArrayList<>(Topics.all());
        Topics.all().forEach(t -> topics.add(Topics.deadLetter(t)));
        topics.addAll(List.of(extraTopics));
        createTopics(topics);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = topics.stream()
                .flatMap(t -> consumer.partitionsFor(t).stream().map(p -> new TopicPartition(t, p.partition())))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    public static String bootstrapServers() {
        return KafkaBroker.shared().bootstrapServers();
    }

    public static void createTopics(List<String> topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            for (String t : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(t, 1, (short) 1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Publishes like an agent (or CI) would: key = target, type in ce_type, JSON value. */
    public void send(Message m) {
        sendRecord(new ProducerRecord<>(m.topic(), null, m.target().key(), KafkaMessages.value(m),
                KafkaMessages.headers(m, "test")));
    }

    /** A raw record, e.g. a malformed one; headers as given (none means no ce_type). */
    public void sendRaw(String topic, String key, String value, Map<String, String> headers) {
        RecordHeaders h = new RecordHeaders();
        headers.forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
        sendRecord(new ProducerRecord<>(topic, null, key, value.getBytes(StandardCharsets.UTF_8), h));
    }

    private void sendRecord(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for a message of {@code type} about the deployment that matches {@code filter}. */
    public <T extends Message> T await(Class<T> type, String deploymentId, Predicate<T> filter) {
        return org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> find(type, deploymentId, filter), Optional::isPresent).orElseThrow();
    }

    public <T extends Message> T await(Class<T> type, String deploymentId) {
        return await(type, deploymentId, m -> true);
    }

    /** Waits for a record on {@code topic} matching {@code filter}. */
    public ConsumerRecord<String, byte[]> awaitRecord(String topic, Predicate<ConsumerRecord<String, byte[]>> filter) {
        return org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            poll();
            return records.stream().filter(r -> r.topic().equals(topic)).filter(filter).findFirst();
        }, Optional::isPresent).orElseThrow();
    }

    /** Every decodable message about the deployment seen so far (after one more poll), in topic order. */
    public List<Message> messages(String deploymentId) {
        poll();
        return decoded().filter(m -> deploymentId.equals(m.meta().deploymentId())).toList();
    }

    private <T extends Message> Optional<T> find(Class<T> type, String deploymentId, Predicate<T> filter) {
        poll();
        return decoded().filter(type::isInstance).map(type::cast)
                .filter(m -> deploymentId.equals(m.meta().deploymentId())).filter(filter).findFirst();
    }

    private Stream<Message> decoded() {
        return records.stream().filter(r -> !r.topic().endsWith(Topics.DEAD_LETTER_SUFFIX)).flatMap(r -> {
            try {
                return Stream.of(KafkaMessages.decode(r.headers(), r.value()));
            } catch (RuntimeException e) {
                return Stream.empty();
            }
        });
    }

    private void poll() {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
    }

    public static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}
