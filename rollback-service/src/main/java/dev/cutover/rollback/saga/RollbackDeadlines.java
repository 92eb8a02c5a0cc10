package dev.cutover.rollback.saga;

import dev.cutover.events.Message;
import dev.cutover.rollback.messaging.RollbackPublisher;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;

/**
 * Fails rollbacks whose provisioner never answered, or whose operator never decided; sends again provisioner
 * commands whose reply is overdue ({@code cutover.rollback.resend-after}); deletes the records of
 * rollbacks that ended longer than {@code cutover.rollback.work.done-retention} ago.
 */
@ApplicationScoped
public class RollbackDeadlines {

    @Inject
    RollbackSaga saga;

    /** Looked up only when there is something to publish: at boot the sweep may run before the channels are wired. */
    @Inject
    Instance<RollbackPublisher> publisher;

    @Scheduled(every = "${cutover.rollback.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        List<Message> out = new ArrayList<>(saga.expire());
        out.addAll(saga.overdue());
        if (!out.isEmpty()) { // touching the publisher before the channels are wired at boot fails
            publisher.get().publishAll(out);
        }
        saga.prune();
    }
}
