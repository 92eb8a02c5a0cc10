package dev.cutover.rollback.saga;

import dev.cutover.rollback.config.RollbackConfig;
import dev.cutover.rollback.strategy.RollbackStrategies;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

public class RollbackSagaProducer {

    @Produces
    @Singleton
    RollbackSaga saga(RollbackStrategies strategies, RollbackConfig config) {
        return new RollbackSaga(strategies, config.timeout(), () -> System.nanoTime() / 1_000_000);
    }
}
