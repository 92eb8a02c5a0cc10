package dev.cutover.rollback.work;

import dev.cutover.events.kafka.WorkLog;
import dev.cutover.rollback.saga.RollbackRecord;
import dev.cutover.rollback.saga.RollbackStore;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The saga's rollbacks in the work log {@code cutover.rollback.commands.work}: one record per rollback, key
 * {@code <targetKey>|<workId>} (the work id is the deployment id), value the {@link RollbackRecord} as JSON, on the
 * partition of the target (the same number as its commands' partition).
 */
public final class WorkLogRollbackStore implements RollbackStore, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WorkLogRollbackStore.class);

    private final WorkLog log;

    public WorkLogRollbackStore(WorkLog log) {
        this.log = log;
    }

    @Override
    public void put(RollbackRecord record) {
        log.put(record.targetKey(), record.workId(), record.toBytes());
    }

    @Override
    public void remove(String targetKey, String workId) {
        log.remove(targetKey, workId);
    }

    /** Unreadable records (written by a newer, incompatible version) are skipped with an error. */
    @Override
    public Collection<RollbackRecord> read(Set<Integer> partitions) {
        List<RollbackRecord> records = new ArrayList<>();
        for (WorkLog.Entry entry : log.read(partitions)) {
            try {
                records.add(RollbackRecord.fromBytes(entry.value()));
            } catch (RuntimeException e) {
                LOG.errorf("Skipping unreadable rollback record %s|%s on %s-%d: %s", entry.targetKey(), entry.workId(),
                        log.topic(), entry.partition(), e.getMessage());
            }
        }
        return records;
    }

    @Override
    public int partitionOf(String targetKey) {
        return log.partitionOf(targetKey);
    }

    @Override
    public void close() {
        log.close();
    }
}
