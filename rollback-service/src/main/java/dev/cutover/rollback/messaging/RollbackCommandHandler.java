package dev.cutover.rollback.messaging;

import dev.cutover.events.RollbackCommand;
import dev.cutover.events.RollbackCommand.CancelRollback;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.kafka.IncomingRecords;
import dev.cutover.rollback.saga.RollbackSaga;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes cutover.rollback.commands: StartRollback and CancelRollback, both to the saga. An invalid record throws,
 * so it goes to the dead-letter topic.
 */
@ApplicationScoped
public class RollbackCommandHandler {

    @Inject
    RollbackSaga saga;

    @Inject
    RollbackPublisher publisher;

    @Incoming("rollback-commands")
    @Blocking(ordered = true)
    public void handle(ConsumerRecord<String, byte[]> record) {
        IncomingRecords.decode(record, RollbackCommand.class).ifPresent(command -> publisher.publishAll(
                command instanceof StartRollback start ? saga.start(start) : saga.cancel((CancelRollback) command)));
    }
}
