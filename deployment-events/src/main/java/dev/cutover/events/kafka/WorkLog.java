package dev.cutover.events.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An agent's in-flight work, kept durably: a compacted topic beside the agent's command topic
 * ({@code <command topic>.work}) with one record per piece of work, written before the command that caused it is
 * acknowledged, so a restarted agent — or the replica that takes the target over — resumes it.
 *
 * <p>The work topic has as many partitions as the command topic, and every record goes to the partition its
 * <em>target</em> key maps to with Kafka's default partitioner formula ({@link #partitionOf}); the record key is
 * {@code <targetKey>|<workId>}, so a target can have several pieces of work and compaction keeps the latest of each.
 * A replica that owns partition {@code p} of the command topic owns exactly the work in partition {@code p} of the
 * work topic: on assignment it {@link #read}s those partitions and resumes what it finds.
 *
 * <p>Plain Kafka clients (no Quarkus), like the orchestrator's snapshot log: the writes are synchronous (acked by all
 * in-sync replicas, idempotent producer), the reads go from the beginning to the end offsets taken at the start of
 * the read, without a consumer group.
 */
public final class WorkLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WorkLog.class);
    private static final String SEPARATOR = "|";

    /** One piece of work as last written. */
    public record Entry(String targetKey, String workId, byte[] value, int partition, long timestampMs) {
    }

    private final Map<String, Object> kafka;
    private final String topic;
    private final String commandTopic;
    private final Duration timeout;
    private final KafkaProducer<String, byte[]> producer;
    private volatile int partitions;

    /**
     * @param kafka        client properties (at least {@code bootstrap.servers}; security settings are passed on)
     * @param commandTopic the agent's command topic; the work topic is {@code <commandTopic>.work}
     * @param timeout      how long a write, a read or the topic set-up may take
     */
    public WorkLog(Map<String, Object> kafka, String commandTopic, Duration timeout) {
        this.kafka = Map.copyOf(kafka);
        this.commandTopic = commandTopic;
        this.topic = topicFor(commandTopic);
        this.timeout = timeout;
        Map<String, Object> p = only(ProducerConfig.configNames());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "cutover-work-" + commandTopic);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** {@code <commandTopic>.work}. */
    public static String topicFor(String commandTopic) {
        return commandTopic + ".work";
    }

    public String topic() {
        return topic;
    }

    /** The partition of {@code targetKey} in a topic of {@code partitions} partitions (Kafka's default partitioner). */
    public static int partitionOf(String targetKey, int partitions) {
        return Utils.toPositive(Utils.murmur2(targetKey.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * Creates the work topic (compacted) with the command topic's partition count if it is missing, and learns that
     * count. The command topic is created with the broker's default partition count if it does not exist yet (as the
     * consumer subscribing to it would). Call before the first {@link #put}.
     */
    public void ensureTopic(short replicationFactor) {
        try (Admin admin = Admin.create(adminProperties())) {
            Set<String> names = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!names.contains(commandTopic)) {
                create(admin, new NewTopic(commandTopic, Optional.empty(), Optional.empty()));
            }
            int commandPartitions = describe(admin, commandTopic).partitions().size();
            if (!names.contains(topic)) {
                create(admin, new NewTopic(topic, Optional.of(commandPartitions), Optional.of(replicationFactor))
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
                LOG.infof("created compacted work topic %s (%d partitions, as %s)", topic, commandPartitions,
                        commandTopic);
            }
            int workPartitions = describe(admin, topic).partitions().size();
            if (workPartitions != commandPartitions) {
                throw new IllegalStateException("work topic " + topic + " has " + workPartitions + " partitions but "
                        + commandTopic + " has " + commandPartitions + ": they must match");
            }
            partitions = workPartitions;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted setting up " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot set up work topic " + topic + ": " + e, e);
        }
    }

    /** The partition count learnt by {@link #ensureTopic} (0 before). */
    public int partitions() {
        return partitions;
    }

    /** The partition {@code targetKey}'s work (and commands) are on. */
    public int partitionOf(String targetKey) {
        requireTopic();
        return partitionOf(targetKey, partitions);
    }

    /** Records {@code value} as the latest state of the work, and waits for the broker's acknowledgement. */
    public void put(String targetKey, String workId, byte[] value) {
        send(targetKey, workId, value);
    }

    /** Forgets the work (a tombstone, compacted away later); waits for the acknowledgement. */
    public void remove(String targetKey, String workId) {
        send(targetKey, workId, null);
    }

    private void send(String targetKey, String workId, byte[] value) {
        requireTopic();
        if (targetKey.contains(SEPARATOR)) {
            throw new IllegalArgumentException("target key must not contain '" + SEPARATOR + "': " + targetKey);
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, partitionOf(targetKey, partitions),
                targetKey + SEPARATOR + workId, value);
        try {
            producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted recording work " + workId + " of " + targetKey, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot record work " + workId + " of " + targetKey + " on " + topic
                    + ": " + e, e);
        }
    }

    /**
     * The latest state of every piece of work in {@code partitionNumbers} (removed work left out), in the order it
     * was last written per partition.
     */
    public List<Entry> read(Collection<Integer> partitionNumbers) {
        requireTopic();
        if (partitionNumbers.isEmpty()) {
            return List.of();
        }
        Map<String, Object> c = only(ConsumerConfig.configNames());
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "cutover-work-reader-" + commandTopic);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Entry> latest = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> assigned = partitionNumbers.stream().distinct()
                    .map(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!end.entrySet().stream().allMatch(e -> consumer.position(e.getKey(), timeout) >= e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("work topic " + topic + " not read to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    int cut = r.key() == null ? -1 : r.key().indexOf(SEPARATOR);
                    if (cut < 0) {
                        LOG.warnf("skipping work record without a '<target>|<work>' key at %s-%d@%d", r.topic(),
                                r.partition(), r.offset());
                        continue;
                    }
                    latest.remove(r.key());
                    if (r.value() != null) {
                        latest.put(r.key(), new Entry(r.key().substring(0, cut), r.key().substring(cut + 1),
                                r.value(), r.partition(), r.timestamp()));
                    }
                }
            }
        }
        return List.copyOf(latest.values());
    }

    private void requireTopic() {
        if (partitions <= 0) {
            throw new IllegalStateException("work topic " + topic + " not set up: call ensureTopic first");
        }
    }

    private void create(Admin admin, NewTopic newTopic) throws InterruptedException, TimeoutException,
            ExecutionException {
        try {
            admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * The topic's description. A topic just created may not be in the answering broker's metadata yet
     * (UnknownTopicOrPartition for a moment, seen in CI): asked again until the timeout.
     */
    private TopicDescription describe(Admin admin, String name) throws InterruptedException, TimeoutException,
            ExecutionException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return admin.describeTopics(List.of(name)).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(name);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** The client properties a given client understands (the rest would only log warnings). */
    private Map<String, Object> only(Set<String> names) {
        Map<String, Object> props = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (names.contains(k)) {
                props.put(k, v);
            }
        });
        return props;
    }

    private Map<String, Object> adminProperties() {
        Map<String, Object> a = only(AdminClientConfig.configNames());
        a.put(AdminClientConfig.CLIENT_ID_CONFIG, "cutover-work-admin-" + commandTopic);
        return a;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
