package dev.cutover.rollback.messaging;

import dev.cutover.events.ProvisionerEvent;
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
 * The saga's two inputs, each consumed in order: the orchestrator's commands and the provisioner's replies. What the
 * saga answers is published before the next record of the channel is handled. An invalid record throws, so it goes
 * to the channel's dead-letter topic.
 */
@ApplicationScoped
public class RollbackMessageHandler {

    @Inject
    RollbackSaga saga;

    @Inject
    RollbackPublisher publisher;

    /** cutover.rollback.commands: StartRollback and CancelRollback, both to the saga. */
    @Incoming("rollback-commands")
    @Blocking(ordered = true)
    public void onCommand(ConsumerRecord<String, byte[]> record) {
        IncomingRecords.decode(record, RollbackCommand.class).ifPresent(command -> publisher.publishAll(
                command instanceof StartRollback start ? saga.start(start) : saga.cancel((CancelRollback) command)));
    }

    /** cutover.provisioner.events: replies to our commands advance a rollback, all others are ignored. */
    @Incoming("provisioner-events")
    @Blocking(ordered = true)
    public void onProvisionerEvent(ConsumerRecord<String, byte[]> record) {
        IncomingRecords.decode(record, ProvisionerEvent.class).ifPresent(event -> publisher.publishAll(saga.onProvisionerEvent(event)));
    }
}
