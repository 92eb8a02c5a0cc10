package dev.cutover.rollback.messaging;

import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.rollback.saga.RollbackSaga;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Consumes cutover.rollback.commands. An invalid record throws, so it goes to the dead-letter topic. */
@ApplicationScoped
public class RollbackCommandHandler {

    private static final Logger LOG = Logger.getLogger(RollbackCommandHandler.class);

    @Inject
    RollbackSaga saga;

    @Inject
    RollbackPublisher publisher;

    @Incoming("rollback-commands")
    @Blocking(ordered = true)
    public void handle(ConsumerRecord<String, byte[]> record) {
        Message m = KafkaMessages.decode(record.headers(), record.value());
        if (m instanceof StartRollback start) {
            publisher.publishAll(saga.start(start));
        } else {
            LOG.debugf("Ignoring %s on %s", m.getClass().getSimpleName(), record.topic());
        }
    }
}
