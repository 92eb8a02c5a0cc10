package dev.cutover.testing.kafka;

import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * Plain Kafka clients on a test broker, playing "another service": send messages (or malformed records), and
 * see what came out — either recorded from the start on a background consumer ({@link #records}, {@link #messages})
 * or read on demand ({@link #awaitRecord}, {@link #awaitCausedBy}).
 */
public final class KafkaTestClient implements AutoCloseable {

    /** How long the awaiting methods wait. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private final Map<String, Object> connection;
    private final String groupId;
    private final KafkaProducer<String, byte[]> producer;
    private final List<ConsumerRecord<String, byte[]>> received = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread poller;
    private volatile boolean running = true;

    /** On the module's shared broker, recording nothing in the background. */
    public KafkaTestClient() {
        this(KafkaBroker.shared().bootstrapServers());
    }

    /** Records everything published on {@code topics} from the beginning, on a background consumer. */
    public KafkaTestClient(String bootstrap, String... topics) {
        this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), null, topics);
    }

    /**
     * With the given client settings ({@code bootstrap.servers} and, on a secure broker, a principal's
     * {@link KafkaBroker#clientConfig(String)}), recording {@code topics} in consumer group {@code groupId} (a
     * fresh random group when {@code null}; a secure broker only lets a principal use its own group).
     */
    public KafkaTestClient(Map<String, Object> connection, String groupId, String... topics) {
        this.connection = Map.copyOf(connection);
        this.groupId = groupId;
        Map<String, Object> producerConfig = new HashMap<>(this.connection);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        if (topics.length == 0) {
            consumer = null;
            poller = null;
            return;
        }
        consumer = newConsumer();
        consumer.subscribe(List.of(topics));
        poller = new Thread(() -> {
            try {
                while (running) {
                    consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                }
            } catch (WakeupException ignored) {
                // closing
            } finally {
                consumer.close();
            }
        }, "kafka-test-client");
        poller.setDaemon(true);
        poller.start();
    }

    /**
     * On the module's shared broker, recording every topic of the contract ({@link Topics#all()}) from the beginning,
     * for a test that plays all the other services at once. The topics are created first, so that the recording has
     * them all from the start instead of waiting for the broker to create one on first use.
     */
    public static KafkaTestClient recordingAllTopics() {
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        createTopics(bootstrap, Topics.all());
        return new KafkaTestClient(bootstrap, Topics.all().toArray(String[]::new));
    }

    private static void createTopics(String bootstrap, List<String> topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (String t : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(t, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + t, e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Map<String, Object> config = new HashMap<>(connection);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId != null ? groupId : "test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    public void send(Message m) {
        send(m.topic(), m.target().key(), KafkaMessages.value(m), KafkaMessages.headers(m, "test"));
    }

    /** A record as-is: for malformed input (bad JSON, missing or wrong headers). */
    public void sendRaw(String topic, String key, String value, Map<String, String> headers) {
        sendRaw(topic, key, headers, value.getBytes(StandardCharsets.UTF_8));
    }

    public void sendRaw(String topic, String key, Map<String, String> headers, byte[] value) {
        RecordHeaders h = new RecordHeaders();
        headers.forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
        send(topic, key, value, h);
    }

    private void send(String topic, String key, byte[] value, org.apache.kafka.common.header.Headers headers) {
        try {
            producer.send(new ProducerRecord<>(topic, null, key, value, headers)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the background consumer has recorded on {@code topic} so far. */
    public List<ConsumerRecord<String, byte[]>> records(String topic) {
        return received.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    /** Decoded messages of one deployment on one topic, of the given type (recorded so far). */
    public <T extends Message> List<T> messages(String topic, String deploymentId, Class<T> type) {
        return records(topic).stream()
                .map(KafkaTestClient::decodeOrNull)
                .filter(Objects::nonNull)
                .filter(m -> deploymentId.equals(m.meta().deploymentId()))
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    /** Every contract message about the deployment recorded so far, on any topic but dead-letter ones, in order. */
    public List<Message> messages(String deploymentId) {
        return received.stream().filter(r -> !r.topic().endsWith(Topics.DEAD_LETTER_SUFFIX))
                .map(KafkaTestClient::decodeOrNull)
                .filter(m -> m != null && m.meta() != null && deploymentId.equals(m.meta().deploymentId()))
                .toList();
    }

    /** Awaits ({@link #WAIT}) the first recorded message of {@code type} about the deployment that matches. */
    public <T extends Message> T awaitMessage(Class<T> type, String deploymentId, Predicate<? super T> match) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> messages(deploymentId).stream().filter(type::isInstance).map(type::cast).filter(match)
                        .findFirst(), Optional::isPresent)
                .get();
    }

    /** Awaits ({@link #WAIT}) the first recorded message of {@code type} about the deployment. */
    public <T extends Message> T awaitMessage(Class<T> type, String deploymentId) {
        return awaitMessage(type, deploymentId, m -> true);
    }

    /** Reads {@code topic} from the beginning until a record matches, or fails after {@link #WAIT}. */
    public ConsumerRecord<String, byte[]> awaitRecord(String topic, Predicate<ConsumerRecord<String, byte[]>> match) {
        AtomicReference<ConsumerRecord<String, byte[]>> found = new AtomicReference<>();
        try (KafkaConsumer<String, byte[]> reader = newConsumer()) {
            reader.subscribe(List.of(topic));
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    if (found.get() == null && match.test(r)) {
                        found.set(r);
                    }
                }
                return found.get() != null;
            });
        }
        return found.get();
    }

    /** Reads {@code topic} from the beginning until a record holding a contract message that matches arrives (30 s). */
    public ConsumerRecord<String, byte[]> awaitMessageRecord(String topic, Predicate<Message> match) {
        return awaitRecord(topic, rec -> {
            Message m = decodeOrNull(rec);
            return m != null && match.test(m);
        });
    }

    /** Awaits the message on {@code topic} caused by {@code causeId}. */
    public Message awaitCausedBy(String topic, String causeId) {
        ConsumerRecord<String, byte[]> r = awaitMessageRecord(topic, m -> causeId.equals(m.meta().causationId()));
        return KafkaMessages.decode(r.headers(), r.value());
    }

    /** Sends {@code command} and awaits its answer on {@code replyTopic}: the message caused by it. */
    public Message sendAndAwaitReply(Message command, String replyTopic) {
        send(command);
        return awaitCausedBy(replyTopic, command.meta().messageId());
    }

    /**
     * The first message of {@code type} caused by {@code cause} that the background consumer recorded on
     * {@code topic}, awaited at most {@code wait}.
     */
    public <T extends Message> T awaitRecordedReply(String topic, Class<T> type, Message cause, Duration wait) {
        return await().atMost(wait).until(() -> messages(topic, cause.meta().deploymentId(), type).stream()
                .filter(m -> cause.meta().messageId().equals(m.meta().causationId())).findFirst(), Optional::isPresent)
                .get();
    }

    /** The keys of the two records {@link #sendMalformed} sent. */
    public record Malformed(String badJsonKey, String noTypeKey) {
    }

    /**
     * Sends two records to {@code topic} that are no contract message: one whose body does not parse as JSON although
     * its {@code ce_type} is {@code typeName}, one without a {@code ce_type} header.
     */
    public Malformed sendMalformed(String topic, String typeName) {
        Malformed keys = new Malformed("bad-json-" + UUID.randomUUID(), "no-type-" + UUID.randomUUID());
        sendRaw(topic, keys.badJsonKey(), Map.of("ce_type", typeName), "[1,".getBytes(StandardCharsets.UTF_8));
        sendRaw(topic, keys.noTypeKey(), Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
        return keys;
    }

    /**
     * Reads the dead-letter topic of {@code topic} until the record with {@code key} arrives (30 s) and returns the
     * reason the consumer gave, from its {@code dead-letter-reason} header.
     *
     * @throws AssertionError when the dead-lettered record has no reason
     */
    public String awaitDeadLetterReason(String topic, String key) {
        String reason = header(awaitRecord(Topics.deadLetter(topic), r -> key.equals(r.key())), "dead-letter-reason");
        if (reason == null) {
            throw new AssertionError("no dead-letter-reason header on the dead-lettered record " + key);
        }
        return reason;
    }

    private static Message decodeOrNull(ConsumerRecord<String, byte[]> r) {
        try {
            return KafkaMessages.decode(r.headers(), r.value());
        } catch (RuntimeException e) {
            return null;
        }
    }

    public static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
            try {
                poller.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(5));
    }
}
