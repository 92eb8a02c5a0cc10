package dev.cutover.healthmonitor.work;

import dev.cutover.events.Topics;
import dev.cutover.events.kafka.WorkLog;
import dev.cutover.healthmonitor.analysis.Analyses;
import dev.cutover.healthmonitor.check.HealthChecks;
import dev.cutover.healthmonitor.check.RunningCommands;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Wires the work log: the journal the engines record in, the resumer the rebalance listener drives, pruning. */
@ApplicationScoped
public class WorkProducer {

    private static final Logger LOG = Logger.getLogger(WorkProducer.class);
    private static final String WARM_UP_TARGET = "cutover/health-monitor-start";

    private KafkaWorkJournal journal;
    private ScheduledExecutorService pruner;

    @Produces
    @Singleton
    KafkaWorkJournal journal(@Identifier("default-kafka-broker") Map<String, Object> kafka, WorkConfig config) {
        WorkLog log = new WorkLog(new HashMap<>(kafka), Topics.HEALTH_MONITOR_COMMANDS, config.timeout());
        try {
            log.ensureTopic((short) config.replicationFactor());
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        try {
            // the first write waits for the topic's metadata and the producer id (seconds on a busy host): pay it
            // now, not out of the first command's window (a tombstone of a key no work has: nothing to read back)
            log.remove(WARM_UP_TARGET, "warm-up");
        } catch (RuntimeException e) {
            LOG.warnf("Could not warm up the work log: %s", e.getMessage());
        }
        journal = new KafkaWorkJournal(log, config.doneRetention(), Clock.systemUTC());
        pruner = RunningCommands.daemonScheduler("work-pruner", 1);
        long every = config.pruneInterval().toMillis();
        pruner.scheduleWithFixedDelay(journal::prune, every, every, TimeUnit.MILLISECONDS);
        return journal;
    }

    @Produces
    @Singleton
    WorkResumer resumer(KafkaWorkJournal journal, HealthChecks checks, Analyses analyses) {
        return new WorkResumer(journal, List.of(checks, analyses));
    }

    @PreDestroy
    void stop() {
        if (pruner != null) {
            pruner.shutdownNow();
        }
        if (journal != null) {
            journal.close();
        }
    }
}
