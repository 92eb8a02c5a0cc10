package dev.cutover.rollback.saga;

import dev.cutover.rollback.config.RollbackConfig;
import dev.cutover.rollback.messaging.RollbackPublisher;
import dev.cutover.rollback.metrics.RollbackMetrics;
import dev.cutover.rollback.strategy.RollbackStrategies;
import dev.cutover.rollback.watch.ScheduledStableWatch;
import dev.cutover.rollback.watch.StableHealthProbe;
import dev.cutover.rollback.watch.StableWatch;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

public class RollbackSagaProducer {

    @Produces
    @Singleton
    RollbackSaga saga(RollbackStrategies strategies, RollbackConfig config, StableWatch watch, RollbackMetrics metrics) {
        return new RollbackSaga(strategies, config.timeout(), () -> System.nanoTime() / 1_000_000, watch, metrics);
    }

    @Produces
    @Singleton
    ScheduledStableWatch watch(RollbackConfig config, RollbackPublisher publisher) {
        RollbackConfig.Gradual gradual = config.gradual();
        return new ScheduledStableWatch(publisher::publishAll, new StableHealthProbe(gradual.probeTimeout()),
                gradual.probeInterval(), gradual.failuresToHalt());
    }

    void close(@Disposes ScheduledStableWatch watch) {
        watch.close();
    }
}
