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

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Wires the work log: the journal the engines record in, the resumer the rebalance listener drives, pruning. */
@ApplicationScoped
public class WorkProducer {

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
