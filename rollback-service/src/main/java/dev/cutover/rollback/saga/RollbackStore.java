package dev.cutover.rollback.saga;

import java.util.Collection;
import java.util.Set;

/**
 * Where the saga keeps its rollbacks so that they outlive the process: in production the work log
 * ({@code work.WorkLogRollbackStore}). Writes are synchronous: when {@link #put} returns, the record is safe.
 */
public interface RollbackStore {

    /** Writes (replaces) the record of {@code record.workId()}; throws if it could not be written. */
    void put(RollbackRecord record);

    /** Deletes the record (a tombstone); throws if it could not be written. */
    void remove(String targetKey, String workId);

    /** The latest record of every rollback whose target maps to one of {@code partitions}. */
    Collection<RollbackRecord> read(Set<Integer> partitions);

    /** The partition a target's records (and its commands) are in. */
    int partitionOf(String targetKey);
}
