package dev.cutover.orchestrator.messaging;

import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Publishes commands and lifecycle events through the one outgoing channel, keyed by target. */
@ApplicationScoped
public class DeploymentPublisher {

    public static final String SOURCE = "orchestrator-service";

    @Inject
    @Channel("out")
    Emitter<byte[]> emitter;

    /** Completes when the broker acknowledged the record. */
    public CompletionStage<Void> publish(Message m) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(m.topic())
                .withKey(m.target().key())
                .withHeaders(KafkaMessages.headers(m, SOURCE))
                .build();
        emitter.send(org.eclipse.microprofile.reactive.messaging.Message.of(KafkaMessages.value(m),
                Metadata.of(metadata),
                () -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return acked;
    }

    /** Publishes in order and waits until all are acknowledged. */
    public void publishAll(List<Message> messages, Duration timeout) {
        CompletableFuture<?>[] acks = messages.stream().map(m -> publish(m).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(acks).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted publishing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("publishing failed: " + e, e);
        }
    }
}
