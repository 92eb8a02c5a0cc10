package dev.cutover.provisioner.messaging;

import dev.cutover.events.InvalidMessageException;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.ProvisionerCommand;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.provisioner.provisioning.ProvisioningService;
import dev.cutover.provisioner.provisioning.TargetLanes;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Consumes cutover.provisioner.commands. Starting an instance can take seconds, so each command runs in its
 * target's lane (ordered per target, parallel across targets) and the record is acked when it is done; the
 * throttled commit strategy only commits offsets below the oldest unfinished record, so nothing is lost on
 * a crash (commands are idempotent). Invalid records are nacked: they go to the dead-letter topic.
 */
@ApplicationScoped
public class ProvisionerCommandHandler {

    private static final Logger LOG = Logger.getLogger(ProvisionerCommandHandler.class);

    @Inject
    ProvisioningService service;

    @Inject
    ProvisionerPublisher publisher;

    @Inject
    TargetLanes lanes;

    @Incoming("provisioner-commands")
    public CompletionStage<Void> handle(Message<byte[]> record) {
        dev.cutover.events.Message m;
        try {
            IncomingKafkaRecordMetadata<?, ?> kafka = record.getMetadata(IncomingKafkaRecordMetadata.class)
                    .orElseThrow(() -> new InvalidMessageException("not a Kafka record"));
            m = KafkaMessages.decode(kafka.getHeaders(), record.getPayload());
        } catch (InvalidMessageException e) {
            LOG.warnf("Invalid record on cutover.provisioner.commands: %s", e.getMessage());
            return record.nack(e);
        }
        if (!(m instanceof ProvisionerCommand command)) {
            LOG.debugf("Ignoring %s", m.getClass().getSimpleName());
            return record.ack();
        }
        lanes.submit(command.target().key(), () -> {
            ProvisionerEvent event = service.handle(command);
            try {
                publisher.publish(event).toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("cannot publish " + event.getClass().getSimpleName() + ": " + e, e);
            }
        }).whenComplete((v, e) -> {
            if (e == null) {
                record.ack();
            } else {
                LOG.errorf("Command %s for %s not answered: %s", command.getClass().getSimpleName(), command.target(), e);
                record.nack(e);
            }
        });
        return CompletableFuture.completedFuture(null);
    }
}
