package dev.cutover.orchestrator.store;

import dev.cutover.orchestrator.config.OrchestratorConfig;
import dev.cutover.orchestrator.model.Deployment;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Deployments as kept durably in the snapshot topic, with an in-memory index for reads. Nothing may read or
 * change deployments before {@link #load()} finished: callers wait with {@link #awaitLoaded}.
 */
@ApplicationScoped
public class DeploymentStore {

    private static final Logger LOG = Logger.getLogger(DeploymentStore.class);

    private final DeploymentRepository repository = new DeploymentRepository();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private volatile Instant loadedAt;
    private volatile SnapshotLog log;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    OrchestratorConfig config;

    /** Creates the topic if needed and reads every snapshot. Called once, from the loader thread. */
    public void load() {
        Map<String, Object> kafka = new HashMap<>(kafkaConfig);
        SnapshotLog snapshots = new SnapshotLog(kafka, config.stateTopic(), config.kafkaTimeout());
        try {
            snapshots.ensureTopic(config.stateTopicPartitions(), config.stateTopicReplicationFactor());
            Map<String, Deployment> all = snapshots.readAll();
            all.values().forEach(repository::put);
            log = snapshots;
            loadedAt = Instant.now();
            LOG.infof("loaded %d deployments (%d active) from %s", all.size(), repository.activeCount(),
                    config.stateTopic());
            loaded.countDown();
        } catch (RuntimeException e) {
            snapshots.close();
            throw e;
        }
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
            throw new IllegalStateException("deployment state not loaded yet");
        }
        log.write(d);
        repository.put(d);
    }

    public DeploymentRepository repository() {
        return repository;
    }

    public long activeCount() {
        return repository.activeCount();
    }

    @PreDestroy
    void close() {
        SnapshotLog current = log;
        if (current != null) {
            current.close();
        }
    }
}
