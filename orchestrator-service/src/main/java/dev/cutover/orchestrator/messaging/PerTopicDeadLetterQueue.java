package dev.cutover.orchestrator.messaging;

import dev.cutover.events.Topics;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.util.function.BiConsumer;

/**
 * SmallRye's dead-letter-queue strategy, but with the dead-letter topic of each record's own topic
 * ({@code <topic>.dlq}): the strategy has one {@code dead-letter-queue.topic} per channel, and the inbox channel
 * consumes five topics. It hands the record to SmallRye's handler (same headers: reason, cause, source topic,
 * partition, offset; then the record is acknowledged and consuming goes on) with the topic set in the nack's
 * {@link OutgoingKafkaRecordMetadata}, which that handler honours. Channel property:
 * {@code failure-strategy=dead-letter-queue-per-topic}.
 */
@ApplicationScoped
@Identifier(PerTopicDeadLetterQueue.STRATEGY)
public class PerTopicDeadLetterQueue implements KafkaFailureHandler.Factory {

    public static final String STRATEGY = "dead-letter-queue-per-topic";

    @Inject
    @Identifier(KafkaFailureHandler.Strategy.DEAD_LETTER_QUEUE)
    KafkaFailureHandler.Factory deadLetterQueue;

    @Override
    public KafkaFailureHandler create(KafkaConnectorIncomingConfiguration config, Vertx vertx,
                                      KafkaConsumer<?, ?> consumer, BiConsumer<Throwable, Boolean> reportFailure) {
        KafkaFailureHandler delegate = deadLetterQueue.create(config, vertx, consumer, reportFailure);
        return new KafkaFailureHandler() {
            @Override
            public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
                Metadata m = metadata == null ? Metadata.empty() : metadata;
                boolean chosen = m.get(OutgoingKafkaRecordMetadata.class).map(o -> o.getTopic() != null)
                        .orElse(false);
                if (!chosen) {
                    m = m.with(OutgoingKafkaRecordMetadata.builder()
                            .withTopic(Topics.deadLetter(record.getTopic())).build());
                }
                return delegate.handle(record, reason, m);
            }

            @Override
            public void terminate() {
                delegate.terminate();
            }
        };
    }
}
