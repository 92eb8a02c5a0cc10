package dev.cutover.rollback.saga;

import dev.cutover.events.kafka.WorkLog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The work log without a broker, for the saga tests: records kept as the bytes the real store writes (so every
 * read is a round trip through {@link RollbackRecord}'s JSON), partitioned like the work log. {@link #failing}
 * makes every write fail, as when the broker is unreachable.
 */
final class MemoryRollbackStore implements RollbackStore {

    private final int partitions;
    private final Map<String, byte[]> records = new LinkedHashMap<>();
    volatile boolean failing;
    int writes;

    MemoryRollbackStore(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public synchronized void put(RollbackRecord record) {
        write();
        records.remove(record.targetKey() + "|" + record.workId());
        records.put(record.targetKey() + "|" + record.workId(), record.toBytes());
    }

    @Override
    public synchronized void remove(String targetKey, String workId) {
        write();
        records.remove(targetKey + "|" + workId);
    }

    private void write() {
        if (failing) {
            throw new IllegalStateException("broker unreachable");
        }
        writes++;
    }

    @Override
    public synchronized Collection<RollbackRecord> read(Set<Integer> wanted) {
        List<RollbackRecord> out = new ArrayList<>();
        records.forEach((key, value) -> {
            if (wanted.contains(partitionOf(key.substring(0, key.indexOf('|'))))) {
                out.add(RollbackRecord.fromBytes(value));
            }
        });
        return out;
    }

    /** Every record. */
    synchronized Collection<RollbackRecord> all() {
        return records.values().stream().map(RollbackRecord::fromBytes).toList();
    }

    /** The record of {@code workId}, read back from its bytes. */
    synchronized RollbackRecord get(String workId) {
        return records.entrySet().stream().filter(e -> e.getKey().endsWith("|" + workId))
                .map(e -> RollbackRecord.fromBytes(e.getValue())).findFirst().orElse(null);
    }

    @Override
    public int partitionOf(String targetKey) {
        return WorkLog.partitionOf(targetKey, partitions);
    }
}
