package dev.cutover.rollback.saga;

import dev.cutover.events.Topics;
import dev.cutover.events.kafka.WorkLog;
import dev.cutover.rollback.config.RollbackConfig;
import dev.cutover.rollback.messaging.RollbackPublisher;
import dev.cutover.rollback.metrics.RollbackMetrics;
import dev.cutover.rollback.strategy.RollbackStrategies;
import dev.cutover.rollback.watch.ScheduledStableWatch;
import dev.cutover.rollback.watch.StableHealthProbe;
import dev.cutover.rollback.watch.StableWatch;
import dev.cutover.rollback.work.WorkLogRollbackStore;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Map;

public class RollbackSagaProducer {

    @Produces
    @Singleton
    RollbackSaga saga(RollbackStrategies strategies, RollbackConfig config, StableWatch watch, RollbackMetrics metrics,
                      WorkLogRollbackStore store) {
        return new RollbackSaga(strategies, config.timeout(), System::currentTimeMillis, watch, metrics, store,
                config.work().doneRetention(), config.resendAfter());
    }

    /** The work log; its topic is created (as many partitions as cutover.rollback.commands) if missing. */
    @Produces
    @Singleton
    WorkLogRollbackStore store(@Identifier("default-kafka-broker") Map<String, Object> kafka, RollbackConfig config) {
        WorkLog log = new WorkLog(new HashMap<>(kafka), Topics.ROLLBACK_COMMANDS, config.work().timeout());
        try {
            log.ensureTopic(config.work().replicationFactor());
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        return new WorkLogRollbackStore(log);
    }

    void close(@Disposes WorkLogRollbackStore store) {
        store.close();
    }

    @Produces
    @Singleton
    ScheduledStableWatch watch(RollbackConfig config, Instance<RollbackPublisher> publisher) {
        RollbackConfig.Gradual gradual = config.gradual();
        // the publisher looked up when a watch ends: the saga (and so the watch) may be made before the channels are
        // wired (by the deadline sweep at boot), when the publisher cannot be made yet
        return new ScheduledStableWatch(messages -> publisher.get().publishAll(messages), new StableHealthProbe(gradual.probeTimeout()),
                gradual.probeInterval(), gradual.failuresToHalt());
    }

    void close(@Disposes ScheduledStableWatch watch) {
        watch.close();
    }
}
