package dev.cutover.rollback.messaging;

import dev.cutover.events.KafkaMessages;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Publishes rollback events and provisioner commands (outcomes are counted by the saga, which knows the strategy). */
@ApplicationScoped
public class RollbackPublisher {

    static final String SOURCE = "rollback-service";
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    @Channel("out")
    Emitter<byte[]> emitter;

    public CompletionStage<Void> publish(dev.cutover.events.Message m) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(m.topic())
                .withKey(m.target().key())
                .withHeaders(KafkaMessages.headers(m, SOURCE))
                .build();
        emitter.send(Message.of(KafkaMessages.value(m), Metadata.of(metadata),
                () -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                e -> {
                    acked.completeExceptionally(e);
                    return CompletableFuture.completedFuture(null);
                }));
        return acked;
    }

    /** Publishes in order, each after the previous one was acknowledged by the broker. */
    public void publishAll(List<dev.cutover.events.Message> messages) {
        for (dev.cutover.events.Message m : messages) {
            try {
                publish(m).toCompletableFuture().get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("cannot publish " + m.getClass().getSimpleName() + " for "
                        + m.target() + ": " + e.getMessage(), e);
            }
        }
    }
}
