package dev.cutover.provisioner.messaging;

import dev.cutover.events.KafkaMessages;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Publishes provisioner events, keyed by target; the stage completes when the broker acknowledged it. */
@ApplicationScoped
public class ProvisionerPublisher {

    static final String SOURCE = "provisioner-service";

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
}
