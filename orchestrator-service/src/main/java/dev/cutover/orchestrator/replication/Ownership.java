package dev.cutover.orchestrator.replication;

import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.orchestrator.config.OrchestratorConfig;
import dev.cutover.orchestrator.service.DeploymentService;
import dev.cutover.orchestrator.store.DeploymentStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.HttpServerStart;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Default;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Which targets this replica owns: the partitions the consumer group assigned to its inbox channel (one channel for
 * the requests topic and the four agent event topics, RangeAssignor, so partition p of each topic, i.e. the same
 * targets, belongs to one replica). Only the owner of a target writes its deployments, ticks their deadlines and
 * re-issues their commands.
 * <p>
 * On partitions assigned (on the consumer's poll thread, before any of their records is delivered): the state topic
 * is read up to its end, so the last owner's writes are here, then the unfinished deployments of the targets taken
 * over re-issue their current command (same message id); their deadlines are enforced only after the resume grace.
 * Then the claim goes to the members topic, so other replicas route writes here. On revoked/lost the partitions stop
 * being acted on at once (no verdict): the new owner carries on.
 */
@ApplicationScoped
@Default // injected by the service and the router as well
@Identifier(Ownership.LISTENER)
public class Ownership implements KafkaConsumerRebalanceListener {

    /** The channel property {@code consumer-rebalance-listener.name} of the inbox channel. */
    public static final String LISTENER = "orchestrator-inbox";

    private static final Logger LOG = Logger.getLogger(Ownership.class);

    @Inject
    DeploymentStore store;

    @Inject
    DeploymentService service;

    @Inject
    OrchestratorConfig config;

    @Inject
    ReplicationConfig replication;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8090")
    int configuredPort;

    /** Owned partition → when this replica took it. */
    private final Map<Integer, Instant> owned = new ConcurrentHashMap<>();
    /** Revoked in an eager rebalance and perhaps assigned back in the same one: kept, not resumed again. */
    private final Map<Integer, Instant> revoking = new ConcurrentHashMap<>();
    private volatile int partitions;
    private volatile String replicaId;
    private volatile String url;
    private volatile Members members;
    private volatile boolean stopped;

    // ---- who owns what ------------------------------------------------------------------------------------

    /** The partition of the inbox topics the target's records are on; -1 while the count is unknown. */
    public int partitionOf(Target target) {
        int n = partitions;
        return n <= 0 ? -1 : Partitions.of(target.key(), n);
    }

    public boolean owns(Target target) {
        int p = partitionOf(target);
        return p >= 0 && owned.containsKey(p);
    }

    /** Owned, and taken long enough ago (the resume grace) that its deadlines are enforced. */
    public boolean enforces(Target target, Instant now) {
        int p = partitionOf(target);
        Instant since = p < 0 ? null : owned.get(p);
        return since != null && !now.isBefore(since.plus(config.resumeGrace()));
    }

    /** @throws NotOwnerException when this replica does not own the target */
    public void requireOwner(Target target) {
        if (!owns(target)) {
            throw new NotOwnerException(target);
        }
    }

    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned.keySet());
    }

    public String replicaId() {
        String id = replicaId;
        if (id == null) {
            synchronized (this) {
                if (replicaId == null) {
                    replicaId = replication.replicaId().orElse("orchestrator-" + UUID.randomUUID().toString()
                            .substring(0, 8));
                }
                id = replicaId;
            }
        }
        return id;
    }

    public String url() {
        String u = url;
        return u != null ? u : replication.advertisedUrl().orElse("http://127.0.0.1:" + configuredPort);
    }

    /** The replica that owns the target's partition as the members topic says (this one included). */
    public Optional<MemberClaim> ownerOf(Target target) {
        int p = partitionOf(target);
        Members m = members();
        return p < 0 || m == null ? Optional.empty() : m.ownerOf(p);
    }

    void httpStarted(@Observes HttpServerStart start) {
        if (replication.advertisedUrl().isEmpty()) {
            url = "http://127.0.0.1:" + start.options().getPort();
        }
    }

    // ---- the inbox channel's rebalances (poll thread) -----------------------------------------------------

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> assigned) {
        partitions = countPartitions(consumer);
        Instant now = Instant.now();
        Set<Integer> all = assigned.stream().map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new));
        Set<Integer> gained = new TreeSet<>();
        for (int p : all) {
            Instant kept = revoking.remove(p);
            if (kept == null) {
                gained.add(p);
            } else {
                owned.put(p, kept); // ours before this rebalance and nobody else's since: no resume, no new grace
            }
        }
        revoking.clear();
        if (!gained.isEmpty() && store.loaded()) {
            try {
                if (!store.catchUp(config.kafkaTimeout())) {
                    LOG.warnf("state topic not caught up within %s before taking partitions %s", config.kafkaTimeout(),
                            gained);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (int p : all) {
            owned.putIfAbsent(p, now);
        }
        LOG.infof("replica %s owns inbox partitions %s of %d (new: %s)", replicaId(), all, partitions, gained);
        if (!gained.isEmpty() && store.loaded()) {
            // before loading finished, the loader resumes every owned target itself
            service.resume(t -> gained.contains(partitionOf(t)));
        }
        announce();
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> revoked) {
        for (TopicPartition tp : revoked) {
            Instant since = owned.remove(tp.partition());
            if (since != null) {
                revoking.put(tp.partition(), since);
            }
        }
        if (!revoked.isEmpty()) {
            LOG.infof("replica %s gives up inbox partitions %s", replicaId(),
                    revoked.stream().map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new)));
            announce();
        }
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> lost) {
        // another replica may already have them: nothing kept
        lost.forEach(tp -> owned.remove(tp.partition()));
        revoking.clear();
        LOG.warnf("replica %s lost inbox partitions %s", replicaId(),
                lost.stream().map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new)));
        announce();
    }

    /** The partition count of the requests topic; the agent event topics must have the same (warned otherwise). */
    private int countPartitions(Consumer<?, ?> consumer) {
        Map<String, Integer> counts = new HashMap<>();
        for (String topic : List.of(Topics.DEPLOYMENT_REQUESTS, Topics.CONFIG_EVENTS, Topics.PROVISIONER_EVENTS,
                Topics.HEALTH_MONITOR_EVENTS, Topics.ROLLBACK_EVENTS)) {
            List<PartitionInfo> info = consumer.partitionsFor(topic, config.kafkaTimeout());
            if (info != null && !info.isEmpty()) {
                counts.put(topic, info.size());
            }
        }
        if (counts.values().stream().distinct().count() > 1) {
            LOG.warnf("the inbox topics have different partition counts %s: a target's records then land on different"
                    + " partition numbers and may be owned by different replicas; give them all the same count", counts);
        }
        return counts.getOrDefault(Topics.DEPLOYMENT_REQUESTS, counts.values().stream().findFirst().orElse(0));
    }

    // ---- the members topic --------------------------------------------------------------------------------

    /** Started on first use (Kafka may be away when the service starts). */
    Members members() {
        Members m = members;
        if (m != null || stopped) {
            return m;
        }
        synchronized (this) {
            if (members == null && !stopped) {
                try {
                    members = new Members(new HashMap<>(kafkaConfig), replication.membersTopic(), config.kafkaTimeout())
                            .start();
                } catch (RuntimeException e) {
                    LOG.warnf("members topic %s not available yet: %s", replication.membersTopic(), e.getMessage());
                }
            }
            return members;
        }
    }

    /** Waits until the claims on the members topic now have been read (false when not reachable in time). */
    public boolean awaitMembers(Duration wait) throws InterruptedException {
        Members m = members();
        return m != null && m.awaitCaughtUp(wait);
    }

    private void announce() {
        Members m = members();
        if (m == null) {
            return;
        }
        try {
            m.claim(new MemberClaim(replicaId(), url(), List.copyOf(new TreeSet<>(owned.keySet())), Instant.now()));
        } catch (RuntimeException e) {
            LOG.warnf("cannot announce the partitions of replica %s: %s", replicaId(), e.getMessage());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        Members m = members;
        if (m != null) {
            owned.clear();
            announce(); // the others stop forwarding here at once, before the group notices
        }
        synchronized (this) {
            stopped = true;
            members = null;
        }
        if (m != null) {
            m.close();
        }
    }
}
