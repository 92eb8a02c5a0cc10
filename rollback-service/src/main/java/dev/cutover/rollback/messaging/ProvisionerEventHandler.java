package dev.cutover.rollback.messaging;

import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.kafka.IncomingRecords;
import dev.cutover.rollback.saga.RollbackSaga;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Consumes cutover.provisioner.events: replies to our commands advance a rollback, all others are ignored. */
@ApplicationScoped
public class ProvisionerEventHandler {

    @Inject
    RollbackSaga saga;

    @Inject
    RollbackPublisher publisher;

    @Incoming("provisioner-events")
    @Blocking(ordered = true)
    public void handle(ConsumerRecord<String, byte[]> record) {
        IncomingRecords.decode(record, ProvisionerEvent.class).ifPresent(event -> publisher.publishAll(saga.onProvisionerEvent(event)));
    }
}
