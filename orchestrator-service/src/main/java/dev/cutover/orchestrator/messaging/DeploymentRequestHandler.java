package dev.cutover.orchestrator.messaging;

import dev.cutover.events.DeploymentRequestEvent.DeploymentRequested;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.orchestrator.model.Actor;
import dev.cutover.orchestrator.replication.NotOwnerException;
import dev.cutover.orchestrator.service.DeploymentService;
import dev.cutover.orchestrator.webhook.CiRequestRefused;
import dev.cutover.orchestrator.webhook.CiSources;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * What CI publishes: handled exactly like POST /deployments, once its signature is verified. Every record must carry
 * {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature} (Standard Webhooks) and
 * {@value CiSources#SOURCE_HEADER}; an unsigned, tampered, stale, replayed or unknown-source record goes to the
 * dead-letter topic with the reason ({@link CiRequestRefused}), never to a deployment. The verified source is the
 * requester: {@code ci:<source>}.
 */
@ApplicationScoped
public class DeploymentRequestHandler {

    private static final Logger LOG = Logger.getLogger(DeploymentRequestHandler.class);

    @Inject
    DeploymentService service;

    @Inject
    CiSources sources;

    /** A record of the requests topic (from {@link InboxHandler}). */
    public void handle(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        CiSources.Verified verified;
        try {
            verified = sources.verifyRecord(record.headers(), record.value());
        } catch (CiRequestRefused refused) {
            LOG.infof("request %s-%d@%d refused: %s", record.topic(), record.partition(), record.offset(),
                    refused.reason().kind());
            throw refused;
        }
        Message m = KafkaMessages.decode(record.headers(), record.value());
        if (m instanceof DeploymentRequested request) {
            try {
                service.request(request, Actor.kafka(verified.subject()));
            } catch (NotOwnerException e) {
                // its partition was just taken from this replica: the new owner reads the record again
                LOG.infof("request %s-%d@%d left to the new owner of %s", record.topic(), record.partition(),
                        record.offset(), e.target().key());
            }
        } else {
            LOG.debugf("ignoring %s on %s", m.getClass().getSimpleName(), record.topic());
        }
    }
}
