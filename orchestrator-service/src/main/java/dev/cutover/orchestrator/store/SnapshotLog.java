package dev.cutover.orchestrator.store;

import dev.cutover.orchestrator.model.Deployment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.time.Duration;
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
 * The orchestrator's system of record: a compacted topic holding the latest full snapshot of every deployment,
 * keyed by deploymentId. Plain Kafka clients (no Quarkus) so it can be used and tested on its own.
 * <p>
 * Why this and not Kafka Streams: the state is small (one record per deployment), is read whole (every replica
 * tails all of it, see {@code DeploymentStore}), and must be durable <em>before</em> the commands it causes are
 * published — a synchronous, acked write does that directly. Kafka Streams would add a changelog, RocksDB and its
 * own threading for a key-value map that fits in memory. The topic is followed from the beginning (assign +
 * seekToBeginning, no consumer group); a replica that takes over a target re-issues the command of the current
 * stage of its unfinished deployments; the agents are idempotent, which covers a crash between saving a snapshot
 * and publishing.
 */
public final class SnapshotLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SnapshotLog.class);

    private final Map<String, Object> kafka;
    private final String topic;
    private final Duration timeout;
    private final KafkaProducer<String, byte[]> producer;
    /** How long writes fail at once after a failed one. */
    static final Duration FAIL_FAST = Duration.ofSeconds(2);
    private volatile long failedAt;

    /** @param kafka client properties (at least bootstrap.servers) */
    public SnapshotLog(Map<String, Object> kafka, String topic, Duration timeout) {
        this.kafka = Map.copyOf(kafka);
        this.topic = topic;
        this.timeout = timeout;
        Map<String, Object> p = only(ProducerConfig.configNames());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "cutover-orchestrator-snapshots");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // send() waits for metadata at most this long (default 60 s) when the broker is gone
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    public String topic() {
        return topic;
    }

    /** Creates the topic (compacted) if missing. */
    public void ensureTopic(int partitions, short replicationFactor) {
        try (Admin admin = Admin.create(adminProperties())) {
            if (admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
                return;
            }
            NewTopic t = new NewTopic(topic, Optional.of(partitions), Optional.of(replicationFactor))
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("created compacted state topic %s", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create state topic " + topic, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating state topic " + topic, e);
        }
    }

    /**
     * Writes the snapshot, with its {@link SnapshotSummary} as headers, and waits for the broker's acknowledgement.
     * After a failed write, the writes of the next {@link #FAIL_FAST} fail at once (the service holds its lock while
     * saving: a tick over many deployments must not wait a timeout for each).
     *
     * @return where it was written (the partition of its id)
     * @throws StateUnavailableException when it was not acknowledged: nothing was saved
     */
    public SnapshotSummary.Position write(Deployment d) {
        long failed = failedAt;
        if (failed != 0 && System.nanoTime() - failed < FAIL_FAST.toNanos()) {
            throw new StateUnavailableException("state topic " + topic + " unavailable (a write just failed); "
                    + "deployment " + d.id() + " not saved", null);
        }
        try {
            RecordMetadata written = producer.send(new ProducerRecord<>(topic, null, d.id(), SnapshotCodec.encode(d),
                    SnapshotSummary.headers(d))).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            failedAt = 0;
            return new SnapshotSummary.Position(written.partition(), written.offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateUnavailableException("interrupted saving deployment " + d.id(), e);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            failedAt = System.nanoTime();
            throw new StateUnavailableException("cannot save deployment " + d.id() + ": " + e, e);
        }
    }

    /**
     * The snapshots at these positions, read back from the topic (a finished deployment the index holds by position
     * only). A position whose record is gone (compacted behind a newer one) or holds another key is left out.
     *
     * @throws StateUnavailableException when the topic cannot be read within the timeout
     */
    public synchronized Map<SnapshotSummary.Position, Deployment> read(
            java.util.Collection<SnapshotSummary.Position> positions) {
        Map<SnapshotSummary.Position, Deployment> found = new HashMap<>();
        if (positions.isEmpty()) {
            return found;
        }
        Map<Integer, java.util.TreeSet<Long>> wanted = new java.util.TreeMap<>();
        positions.forEach(p -> wanted.computeIfAbsent(p.partition(), k -> new java.util.TreeSet<>()).add(p.offset()));
        try {
            KafkaConsumer<String, byte[]> consumer = randomReader();
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Map.Entry<Integer, java.util.TreeSet<Long>> e : wanted.entrySet()) {
                TopicPartition tp = new TopicPartition(topic, e.getKey());
                consumer.assign(List.of(tp));
                java.util.TreeSet<Long> offsets = e.getValue();
                while (!offsets.isEmpty()) {
                    long next = offsets.first();
                    consumer.seek(tp, next);
                    List<ConsumerRecord<String, byte[]>> records = List.of();
                    while (records.isEmpty()) {
                        if (System.nanoTime() > deadline) {
                            throw new StateUnavailableException("state topic " + topic + ": snapshots not read back "
                                    + "within " + timeout, null);
                        }
                        records = consumer.poll(Duration.ofMillis(200)).records(tp);
                        if (records.isEmpty() && consumer.position(tp) > next) {
                            break; // nothing at or after it any more (the end moved past a compacted tail)
                        }
                    }
                    long last = next;
                    for (ConsumerRecord<String, byte[]> r : records) {
                        last = r.offset();
                        if (r.value() != null && offsets.remove(r.offset())) {
                            found.put(new SnapshotSummary.Position(r.partition(), r.offset()),
                                    SnapshotCodec.decode(r.value()));
                        }
                    }
                    offsets.headSet(last, true).clear(); // skipped over: compacted away or not a snapshot
                }
            }
            return found;
        } catch (org.apache.kafka.common.KafkaException e) {
            closeRandomReader();
            throw new StateUnavailableException("cannot read back snapshots from " + topic + ": " + e, e);
        }
    }

    private KafkaConsumer<String, byte[]> randomReader;

    private KafkaConsumer<String, byte[]> randomReader() {
        if (randomReader == null) {
            Map<String, Object> c = only(ConsumerConfig.configNames());
            c.remove(ConsumerConfig.GROUP_ID_CONFIG);
            c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            c.put(ConsumerConfig.CLIENT_ID_CONFIG, "cutover-orchestrator-snapshot-lookup");
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
            randomReader = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        }
        return randomReader;
    }

    private synchronized void closeRandomReader() {
        if (randomReader != null) {
            randomReader.close(Duration.ofSeconds(2));
            randomReader = null;
        }
    }

    /** Every deployment: the latest snapshot per id, read from the beginning to the current end. */
    public Map<String, Deployment> readAll() {
        Map<String, Object> c = only(ConsumerConfig.configNames());
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "cutover-orchestrator-snapshot-reader");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Deployment> deployments = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("state topic " + topic + " not read to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        deployments.remove(r.key());
                        continue;
                    }
                    try {
                        Deployment d = SnapshotCodec.decode(r.value());
                        deployments.put(d.id(), d);
                    } catch (RuntimeException e) {
                        LOG.errorf("skipping unreadable snapshot %s at %s-%d@%d: %s", r.key(), r.topic(),
                                r.partition(), r.offset(), e.getMessage());
                    }
                }
            }
        }
        return deployments;
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
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
        a.put(AdminClientConfig.CLIENT_ID_CONFIG, "cutover-orchestrator-admin");
        return a;
    }

    @Override
    public void close() {
        closeRandomReader();
        producer.close(Duration.ofSeconds(5));
    }
}
