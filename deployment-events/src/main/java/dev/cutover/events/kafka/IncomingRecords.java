package dev.cutover.events.kafka;

import dev.cutover.events.InvalidMessageException;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * The opening every {@code @Incoming} handler shares: read the record as a contract message, go on with it if it
 * is one this consumer handles, ignore (at debug level) any other. A record that is no valid contract message
 * (no or unknown {@code ce_type}, unreadable JSON, a required field missing) is an
 * {@link InvalidMessageException}: thrown out of the handler, or nacked with it, it reaches the channel's
 * {@code dead-letter-queue} failure strategy, which writes the record to the dead-letter topic with the reason in
 * its {@code dead-letter-reason} header, and the consumer goes on with the next record.
 */
public final class IncomingRecords {

    private static final Logger LOG = Logger.getLogger(IncomingRecords.class);

    private IncomingRecords() {
    }

    /**
     * The message in {@code record} if it is a {@code type}, else empty.
     *
     * @throws InvalidMessageException with the dead-letter reason when the record is no valid contract message
     */
    public static <T extends Message> Optional<T> decode(ConsumerRecord<String, byte[]> record, Class<T> type) {
        return only(type, KafkaMessages.decode(record.headers(), record.value()), record.topic());
    }

    /**
     * The message in a record received as a reactive-messaging {@code Message} (for handlers that ack and nack
     * themselves) if it is a {@code type}, else empty.
     *
     * @throws InvalidMessageException with the dead-letter reason when the record is no valid contract message
     */
    public static <T extends Message> Optional<T> decode(org.eclipse.microprofile.reactive.messaging.Message<byte[]> record,
                                                         Class<T> type) {
        IncomingKafkaRecordMetadata<?, ?> kafka = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new InvalidMessageException("not a Kafka record"));
        return only(type, KafkaMessages.decode(kafka.getHeaders(), record.getPayload()), kafka.getTopic());
    }

    private static <T extends Message> Optional<T> only(Class<T> type, Message message, String topic) {
        if (type.isInstance(message)) {
            return Optional.of(type.cast(message));
        }
        LOG.debugf("Ignoring %s on %s", message.getClass().getSimpleName(), topic);
        return Optional.empty();
    }
}
