package dev.cutover.orchestrator.messaging;

import dev.cutover.events.Event;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.orchestrator.service.DeploymentService;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** The agents' replies, one channel per event topic; all feed the state machine. */
@ApplicationScoped
public class AgentEventHandler {

    private static final Logger LOG = Logger.getLogger(AgentEventHandler.class);

    @Inject
    DeploymentService service;

    @Incoming("config-events")
    @Blocking(ordered = true)
    public void config(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        handle(record);
    }

    @Incoming("provisioner-events")
    @Blocking(ordered = true)
    public void provisioner(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        handle(record);
    }

    @Incoming("health-monitor-events")
    @Blocking(ordered = true)
    public void healthMonitor(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        handle(record);
    }

    @Incoming("rollback-events")
    @Blocking(ordered = true)
    public void rollback(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        handle(record);
    }

    private void handle(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        Message m = KafkaMessages.decode(record.headers(), record.value());
        if (m instanceof Event event) {
            service.onEvent(event);
        } else {
            LOG.debugf("ignoring command %s on event topic %s", m.getClass().getSimpleName(), record.topic());
        }
    }
}
