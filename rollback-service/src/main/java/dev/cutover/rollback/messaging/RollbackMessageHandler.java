package dev.cutover.rollback.messaging;

import dev.cutover.events.InvalidMessageException;
import dev.cutover.events.Message;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.RollbackCommand;
import dev.cutover.events.RollbackCommand.CancelRollback;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.Topics;
import dev.cutover.events.kafka.IncomingRecords;
import dev.cutover.rollback.saga.RollbackSaga;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The saga's one input channel, {@code rollback-in}: the orchestrator's commands (cutover.rollback.commands) and the
 * provisioner's replies (cutover.provisioner.events), consumed in order, both topics split by partition among the
 * replicas the same way (RangeAssignor), so a target's commands and the replies to what they caused reach the same
 * replica. A record is acknowledged only after its change to a rollback is written to the work log and what the saga
 * answers is published. An invalid record is nacked to the dead-letter topic of its own topic
 * ({@code <topic>.dlq}). While the work log or the broker cannot be written the record is tried again (it was not
 * taken into account: the saga left the rollback as it was), as long as this replica still owns its target.
 */
@ApplicationScoped
public class RollbackMessageHandler {

    private static final Logger LOG = Logger.getLogger(RollbackMessageHandler.class);
    private static final long RETRY_MS = 1_000;

    @Inject
    RollbackSaga saga;

    @Inject
    RollbackPublisher publisher;

    @Inject
    @Identifier(RollbackRebalanceListener.NAME)
    RollbackRebalanceListener ownership;

    @Incoming("rollback-in")
    @Blocking(ordered = true)
    public CompletionStage<Void> onRecord(org.eclipse.microprofile.reactive.messaging.Message<byte[]> record) {
        IncomingKafkaRecordMetadata<?, ?> kafka = record.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        String topic = kafka == null ? null : kafka.getTopic();
        try {
            if (Topics.ROLLBACK_COMMANDS.equals(topic)) {
                IncomingRecords.decode(record, RollbackCommand.class).ifPresent(command -> handle(kafka, () ->
                        command instanceof StartRollback start ? saga.start(start) : saga.cancel((CancelRollback) command)));
            } else if (Topics.PROVISIONER_EVENTS.equals(topic)) {
                IncomingRecords.decode(record, ProvisionerEvent.class)
                        .ifPresent(event -> handle(kafka, () -> saga.onProvisionerEvent(event)));
            } else {
                throw new InvalidMessageException("not a record of " + Topics.ROLLBACK_COMMANDS + " or "
                        + Topics.PROVISIONER_EVENTS + ": " + topic);
            }
        } catch (RuntimeException e) { // invalid, or a failure of the saga itself: either way not to be retried
            LOG.warnf("%s record on %s goes to %s: %s", e instanceof InvalidMessageException ? "Invalid" : "Failed",
                    topic, topic == null ? "the dead-letter topic" : Topics.deadLetter(topic), e.getMessage());
            return topic == null ? record.nack(e) : record.nack(e, Metadata.of(
                    OutgoingKafkaRecordMetadata.builder().withTopic(Topics.deadLetter(topic)).build()));
        }
        return record.ack();
    }

    /**
     * Runs the saga and publishes what it answers; again (after a pause) while either cannot be written, unless the
     * record's partition was revoked meanwhile (its new owner resumes from the work log and consumes it again).
     */
    private void handle(IncomingKafkaRecordMetadata<?, ?> kafka, Supplier<List<Message>> saga) {
        List<Message> out = null;
        while (true) {
            try {
                if (out == null) {
                    out = saga.get();
                }
                publisher.publishAll(out);
                return;
            } catch (RollbackSaga.NotRecordedException | IllegalStateException e) {
                // not recorded (the saga left the rollback as it was), or not published (the same messages again)
                if (!ownership.owns(kafka.getPartition())) {
                    LOG.infof("Record %s-%d@%d dropped after its partition was revoked: %s", kafka.getTopic(),
                            kafka.getPartition(), kafka.getOffset(), e.getMessage());
                    return;
                }
                LOG.warnf("Record %s-%d@%d not handled yet, trying again in %d ms: %s", kafka.getTopic(),
                        kafka.getPartition(), kafka.getOffset(), RETRY_MS, e.getMessage());
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_MS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", interrupted);
        }
    }
}
