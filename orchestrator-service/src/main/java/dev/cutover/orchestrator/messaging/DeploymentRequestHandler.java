package dev.cutover.orchestrator.messaging;

import dev.cutover.events.DeploymentRequestEvent.DeploymentRequested;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.orchestrator.service.DeploymentService;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** What CI publishes: handled exactly like POST /deployments. */
@ApplicationScoped
public class DeploymentRequestHandler {

    private static final Logger LOG = Logger.getLogger(DeploymentRequestHandler.class);

    @Inject
    DeploymentService service;

    @Incoming("deployment-requests")
    @Blocking(ordered = true)
    public void handle(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        Message m = KafkaMessages.decode(record.headers(), record.value());
        if (m instanceof DeploymentRequested request) {
            service.request(request);
        } else {
            LOG.debugf("ignoring %s on %s", m.getClass().getSimpleName(), record.topic());
        }
    }
}
