package dev.cutover.orchestrator.replication;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.events.MessageCodec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The orchestrator replicas and the partitions each claims, on a compacted one-partition topic keyed by replica id
 * (plain Kafka clients, usable and testable without Quarkus). Every replica writes its claim on every assignment
 * change and tails the topic; the owner of a partition is the replica whose latest claim naming it came last (by
 * offset, so no clock is compared). A dead replica's claim stays until a newer claim of its partitions supersedes it
 * (the consumer group hands them on within the session timeout): a call forwarded meanwhile finds no one listening.
 */
public final class Members implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Members.class);
    private static final ObjectMapper JSON = MessageCodec.mapper();

    private final Map<String, Object> kafka;
    private final String topic;
    private final Duration timeout;
    private final Map<String, Claimed> latest = new ConcurrentHashMap<>();
    private volatile KafkaProducer<String, byte[]> producer;
    private volatile TopicTail tail;

    private record Claimed(MemberClaim claim, long offset) {
    }

    public Members(Map<String, Object> kafka, String topic, Duration timeout) {
        this.kafka = Map.copyOf(kafka);
        this.topic = topic;
        this.timeout = timeout;
    }

    /** Creates the topic if missing, then follows it. */
    public Members start() {
        ensureTopic();
        Map<String, Object> p = only(ProducerConfig.configNames());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "cutover-orchestrator-members");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        tail = new TopicTail(kafka, topic, "cutover-orchestrator-members-tail", timeout, this::apply).start();
        return this;
    }

    /** Writes the claim and waits for the broker's acknowledgement. */
    public void claim(MemberClaim claim) {
        try {
            producer.send(new ProducerRecord<>(topic, claim.replicaId(), JSON.writeValueAsBytes(claim)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted writing the claim of " + claim.replicaId(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write the claim of " + claim.replicaId() + ": " + e, e);
        }
    }

    /** The replica that claimed {@code partition} last, as far as this tail has read. */
    public Optional<MemberClaim> ownerOf(int partition) {
        return latest.values().stream().filter(c -> c.claim().partitions().contains(partition))
                .max(java.util.Comparator.comparingLong(Claimed::offset)).map(Claimed::claim);
    }

    /** Every replica's latest claim. */
    public List<MemberClaim> claims() {
        return latest.values().stream().map(Claimed::claim).toList();
    }

    /** Waits until the claims on the topic now have been read. */
    public boolean awaitCaughtUp(Duration wait) throws InterruptedException {
        return tail.awaitCaughtUp(wait);
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            latest.remove(r.key());
            return;
        }
        try {
            latest.put(r.key(), new Claimed(JSON.readValue(r.value(), MemberClaim.class), r.offset()));
        } catch (IOException e) {
            LOG.warnf("unreadable member claim %s at offset %d", r.key(), r.offset());
        }
    }

    private void ensureTopic() {
        Map<String, Object> a = only(AdminClientConfig.configNames());
        a.put(AdminClientConfig.CLIENT_ID_CONFIG, "cutover-orchestrator-members-admin");
        try (Admin admin = Admin.create(a)) {
            if (admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(topic)) {
                return;
            }
            NewTopic t = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("created members topic %s", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create members topic " + topic, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating members topic " + topic, e);
        }
    }

    private Map<String, Object> only(Set<String> names) {
        Map<String, Object> props = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (names.contains(k)) {
                props.put(k, v);
            }
        });
        return props;
    }

    @Override
    public void close() {
        TopicTail t = tail;
        if (t != null) {
            t.close();
        }
        KafkaProducer<String, byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }
}
