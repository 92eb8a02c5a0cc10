package dev.cutover.rollback.saga;

import dev.cutover.rollback.messaging.RollbackPublisher;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Fails rollbacks whose provisioner never answered. */
@ApplicationScoped
public class RollbackDeadlines {

    @Inject
    RollbackSaga saga;

    @Inject
    RollbackPublisher publisher;

    @Scheduled(every = "${cutover.rollback.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        publisher.publishAll(saga.expire());
    }
}
