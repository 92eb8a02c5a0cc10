package dev.cutover.orchestrator.messaging;

import dev.cutover.events.Event;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.orchestrator.service.DeploymentService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/** The agents' replies (the event topics of the {@link InboxHandler inbox}): all feed the state machine. */
@ApplicationScoped
public class AgentEventHandler {

    private static final Logger LOG = Logger.getLogger(AgentEventHandler.class);

    @Inject
    DeploymentService service;

    /** An agent's event (from {@link InboxHandler}). */
    public void handle(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        Message m = KafkaMessages.decode(record.headers(), record.value());
        if (m instanceof Event event) {
            service.onEvent(event);
        } else {
            LOG.debugf("ignoring command %s on event topic %s", m.getClass().getSimpleName(), record.topic());
        }
    }
}
