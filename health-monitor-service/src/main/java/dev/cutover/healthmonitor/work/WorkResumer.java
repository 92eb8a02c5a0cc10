package dev.cutover.healthmonitor.work;

import dev.cutover.healthmonitor.check.RunningCommands;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Set;

/**
 * Moves in-flight work with the partitions: on assignment every check and analysis recorded in those partitions of
 * the work log is resumed (RUNNING) or remembered (DONE, REPLACED: a re-sent command is answered or ignored); on
 * revocation their runs stop without a verdict, the partition's new owner resumes them.
 */
public final class WorkResumer {

    private static final Logger LOG = Logger.getLogger(WorkResumer.class);

    private static final int READ_ATTEMPTS = 3;

    private final KafkaWorkJournal journal;
    private final List<RunningCommands<?, ?>> engines;

    public WorkResumer(KafkaWorkJournal journal, List<RunningCommands<?, ?>> engines) {
        this.journal = journal;
        this.engines = List.copyOf(engines);
    }

    /** Resumes the work of {@code partitions}; returns how many runs were started. */
    public int assigned(Set<Integer> partitions) {
        if (partitions.isEmpty()) {
            return 0;
        }
        List<WorkRecord> records = readWithRetries(partitions);
        int resumed = 0;
        for (WorkRecord record : records) {
            for (RunningCommands<?, ?> engine : engines) {
                try {
                    if (engine.resume(record)) {
                        resumed++;
                    }
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Could not resume a %s work record", record.commandType());
                }
            }
        }
        LOG.infof("Partitions %s assigned: %d work records, %d runs resumed", partitions, records.size(), resumed);
        return resumed;
    }

    /** The work log can hiccup (a broker restart): a few attempts before the partitions' work is given up. */
    private List<WorkRecord> readWithRetries(Set<Integer> partitions) {
        for (int attempt = 1; ; attempt++) {
            try {
                return journal.read(partitions);
            } catch (RuntimeException e) {
                if (attempt >= READ_ATTEMPTS) {
                    LOG.errorf(e, "Could not read the work of partitions %s: their in-flight work is not resumed here"
                            + " (the orchestrator's re-sent commands start it again)", partitions);
                    return List.of();
                }
                LOG.warnf("Could not read the work of partitions %s (attempt %d of %d): %s", partitions, attempt,
                        READ_ATTEMPTS, e.getMessage());
            }
        }
    }

    /** Stops the runs of {@code partitions} silently; returns how many were stopped. */
    public int revoked(Set<Integer> partitions) {
        if (partitions.isEmpty()) {
            return 0;
        }
        int stopped = 0;
        for (RunningCommands<?, ?> engine : engines) {
            stopped += engine.revoke(target -> partitions.contains(journal.partitionOf(target)));
        }
        journal.forget(partitions);
        LOG.infof("Partitions %s revoked: %d runs stopped (their new owner resumes them)", partitions, stopped);
        return stopped;
    }
}
