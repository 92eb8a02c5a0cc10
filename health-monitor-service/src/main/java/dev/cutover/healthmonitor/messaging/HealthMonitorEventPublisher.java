package dev.cutover.healthmonitor.messaging;

import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Publishes contract messages through the one outgoing channel; the stage completes on the broker's ack. */
@ApplicationScoped
public class HealthMonitorEventPublisher {

    static final String SOURCE = "health-monitor-service";

    @Inject
    @Channel("out")
    Emitter<byte[]> emitter;

    public CompletionStage<Void> publish(Message message) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(message.topic())
                .withKey(KafkaMessages.key(message))
                .withHeaders(KafkaMessages.headers(message, SOURCE))
                .build();
        emitter.send(org.eclipse.microprofile.reactive.messaging.Message.of(KafkaMessages.value(message))
                .addMetadata(metadata)
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return acked;
    }
}
