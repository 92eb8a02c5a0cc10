package dev.cutover.rollback.messaging;

import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.rollback.saga.RollbackSaga;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Consumes cutover.provisioner.events: replies to our commands advance a rollback, all others are ignored. */
@ApplicationScoped
public class ProvisionerEventHandler {

    private static final Logger LOG = Logger.getLogger(ProvisionerEventHandler.class);

    @Inject
    RollbackSaga saga;

    @Inject
    RollbackPublisher publisher;

    @Incoming("provisioner-events")
    @Blocking(ordered = true)
    public void handle(ConsumerRecord<String, byte[]> record) {
        Message m = KafkaMessages.decode(record.headers(), record.value());
        if (m instanceof ProvisionerEvent event) {
            publisher.publishAll(saga.onProvisionerEvent(event));
        } else {
            LOG.debugf("Ignoring %s on %s", m.getClass().getSimpleName(), record.topic());
        }
    }
}
