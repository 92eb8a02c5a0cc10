package dev.cutover.healthmonitor.work;

import dev.cutover.events.Command;
import dev.cutover.events.kafka.WorkLog;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The health monitor's work in its {@link WorkLog} ({@code cutover.healthmonitor.commands.work}): one record per
 * command, key {@code <target>|<command messageId>}, value a {@link WorkRecord}. Decided (DONE) and replaced work is
 * kept for {@code doneRetention} so a re-sent command is answered, not run again; {@link #prune} then removes it
 * with a tombstone.
 */
public final class KafkaWorkJournal implements WorkJournal, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaWorkJournal.class);

    /** A finished record this replica knows of, to be pruned once old. */
    private record Finished(String targetKey, String workId, Instant at) {
    }

    private final WorkLog log;
    private final Duration doneRetention;
    private final Clock clock;
    private final Map<String, Finished> finished = new ConcurrentHashMap<>();

    public KafkaWorkJournal(WorkLog log, Duration doneRetention, Clock clock) {
        this.log = log;
        this.doneRetention = doneRetention;
        this.clock = clock;
    }

    @Override
    public void record(Command command, WorkRecord record) {
        String target = command.target().key();
        String workId = command.meta().messageId();
        log.put(target, workId, record.toBytes());
        if (record.state() != WorkRecord.State.RUNNING) {
            finished.put(target + "|" + workId, new Finished(target, workId, record.doneAt()));
        }
    }

    /** The partition of the command and work topics a target is on. */
    public int partitionOf(String targetKey) {
        return log.partitionOf(targetKey);
    }

    /**
     * Every work record in {@code partitions} (latest per command); finished ones older than the retention are
     * removed instead, unreadable ones skipped (logged).
     */
    public List<WorkRecord> read(Collection<Integer> partitions) {
        List<WorkRecord> records = new ArrayList<>();
        Instant oldest = clock.instant().minus(doneRetention);
        for (WorkLog.Entry e : log.read(partitions)) {
            WorkRecord r;
            try {
                r = WorkRecord.fromBytes(e.value());
                r.decodedCommand();
            } catch (RuntimeException ex) {
                LOG.warnf("Skipping unreadable work record %s|%s: %s", e.targetKey(), e.workId(), ex.getMessage());
                continue;
            }
            if (r.state() != WorkRecord.State.RUNNING) {
                Instant at = r.doneAt() != null ? r.doneAt() : Instant.ofEpochMilli(e.timestampMs());
                if (at.isBefore(oldest)) {
                    removeQuietly(e.targetKey(), e.workId());
                    continue;
                }
                finished.put(e.targetKey() + "|" + e.workId(), new Finished(e.targetKey(), e.workId(), at));
            }
            records.add(r);
        }
        return records;
    }

    /** Tombstones the finished work older than the retention; returns how many. */
    public int prune() {
        Instant oldest = clock.instant().minus(doneRetention);
        int removed = 0;
        for (Map.Entry<String, Finished> e : finished.entrySet()) {
            if (e.getValue().at().isBefore(oldest) && removeQuietly(e.getValue().targetKey(), e.getValue().workId())) {
                finished.remove(e.getKey());
                removed++;
            }
        }
        return removed;
    }

    /** Stops pruning the work of partitions this replica no longer owns (their new owner does). */
    public void forget(Set<Integer> partitions) {
        finished.values().removeIf(f -> partitions.contains(partitionOf(f.targetKey())));
    }

    private boolean removeQuietly(String targetKey, String workId) {
        try {
            log.remove(targetKey, workId);
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("Could not prune work record %s|%s: %s", targetKey, workId, e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        log.close();
    }
}
