package dev.cutover.orchestrator.store;

import dev.cutover.orchestrator.config.OrchestratorConfig;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.replication.TopicTail;
import dev.cutover.orchestrator.store.SnapshotSummary.Position;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Deployments as kept durably in the snapshot topic, with an in-memory index for reads. Every replica follows the
 * whole topic for as long as it runs (a {@link TopicTail}: all partitions, no group, read_committed), so its index
 * holds every deployment, the ones it owns and the others', and any replica answers reads. Only the owner of a
 * deployment's target writes it ({@link #save}: acked, then visible here at once). Nothing may read or change
 * deployments before {@link #load()} finished (the topic read up to the end it had then): callers wait with
 * {@link #awaitLoaded}.
 */
@ApplicationScoped
public class DeploymentStore {

    private static final Logger LOG = Logger.getLogger(DeploymentStore.class);

    /** How many finished deployments are kept in full; older ones are read back from the topic when asked for. */
    static final int FINISHED_CACHE = 1_000;

    private final DeploymentRepository repository = new DeploymentRepository(this::readBack, FINISHED_CACHE);
    private final CountDownLatch loaded = new CountDownLatch(1);
    private volatile Instant loadedAt;
    private volatile SnapshotLog log;
    private volatile TopicTail tail;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    OrchestratorConfig config;

    /** How long the first read may go without a record before it is given up (and retried by the loader). */
    private static final Duration FIRST_READ_SLICE = Duration.ofSeconds(30);
    private final java.util.concurrent.atomic.AtomicLong applied = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong decoded = new java.util.concurrent.atomic.AtomicLong();

    /** Creates the topic if needed, starts following it and waits until it was read to its end. Called once. */
    public void load() {
        Map<String, Object> kafka = new HashMap<>(kafkaConfig);
        SnapshotLog snapshots = new SnapshotLog(kafka, config.stateTopic(), config.kafkaTimeout());
        TopicTail following = null;
        try {
            snapshots.ensureTopic(config.stateTopicPartitions(), config.stateTopicReplicationFactor());
            long started = System.nanoTime();
            following = new TopicTail(kafka, config.stateTopic(), "cutover-orchestrator-state-tail",
                    config.kafkaTimeout(), this::applyRecord).start();
            // a large state takes a while on a busy host: wait as long as the read makes progress, fail when it stalls
            long before = -1;
            while (!following.awaitCaughtUp(FIRST_READ_SLICE)) {
                long now = applied.get();
                if (now == before) {
                    throw new IllegalStateException("state topic " + config.stateTopic() + ": no record read in "
                            + FIRST_READ_SLICE + " (" + now + " read so far)");
                }
                before = now;
                LOG.infof("reading %s: %d records so far", config.stateTopic(), now);
            }
            log = snapshots;
            tail = following;
            loadedAt = Instant.now();
            LOG.infof("loaded %d deployments (%d unfinished) from %d records of %s in %d ms, %d snapshots decoded; "
                            + "following it", repository.size(), repository.activeCount(), applied.get(),
                    config.stateTopic(), (System.nanoTime() - started) / 1_000_000, decoded.get());
            loaded.countDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(snapshots, following);
            throw new IllegalStateException("interrupted loading " + config.stateTopic(), e);
        } catch (RuntimeException e) {
            close(snapshots, following);
            throw e;
        }
    }

    /**
     * Waits until every snapshot on the topic now (written by any replica) is in the index: before this replica
     * acts on targets it just took over.
     *
     * @return false when not loaded yet or not caught up within {@code wait}
     */
    public boolean catchUp(Duration wait) throws InterruptedException {
        TopicTail t = tail;
        return t != null && t.awaitCaughtUp(wait);
    }

    private void applyRecord(ConsumerRecord<String, byte[]> r) {
        applied.incrementAndGet();
        try {
            if (repository.applyRecord(r) == DeploymentRepository.Applied.DECODED) {
                decoded.incrementAndGet();
            }
        } catch (RuntimeException e) {
            LOG.errorf("skipping unreadable snapshot %s at %s-%d@%d: %s", r.key(), r.topic(), r.partition(),
                    r.offset(), e.getMessage());
        }
    }

    /**
     * Finished snapshots read back from the topic. One that is gone (compacted behind a newer snapshot) means the
     * tail has not applied the newer one yet: wait for it, so the repository finds the deployment at its new place.
     */
    private Map<Position, Deployment> readBack(java.util.Collection<Position> positions) {
        SnapshotLog current = log;
        if (current == null) {
            throw new StateUnavailableException("deployment state not loaded yet", null);
        }
        Map<Position, Deployment> found = current.read(positions);
        if (found.size() < positions.size()) {
            try {
                catchUp(config.kafkaTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return found;
    }

    /** How many snapshot records were decoded (not only indexed) since start. */
    public long decodedRecords() {
        return decoded.get();
    }

    private static void close(SnapshotLog snapshots, TopicTail following) {
        if (following != null) {
            following.close();
        }
        snapshots.close();
    }

    public boolean loaded() {
        return loaded.getCount() == 0;
    }

    /** When loading finished (null before). */
    public Instant loadedAt() {
        return loadedAt;
    }

    public boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void awaitLoaded() throws InterruptedException {
        loaded.await();
    }

    /** Saves the snapshot durably (acked), then makes it visible. */
    public void save(Deployment d) {
        if (!loaded()) {
            throw new StateUnavailableException("deployment state not loaded yet", null);
        }
        repository.apply(d, log.write(d));
    }

    public DeploymentRepository repository() {
        return repository;
    }

    public long activeCount() {
        return repository.activeCount();
    }

    @PreDestroy
    void close() {
        TopicTail following = tail;
        if (following != null) {
            following.close();
        }
        SnapshotLog current = log;
        if (current != null) {
            current.close();
        }
    }
}
