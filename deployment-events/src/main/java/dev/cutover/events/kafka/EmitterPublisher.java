package dev.cutover.events.kafka;

import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes contract messages through a service's one outgoing channel (an {@code Emitter<byte[]>} on the
 * SmallRye Kafka connector): each record goes to the message's topic, keyed by its target, with the
 * CloudEvents headers naming {@code source}. Every send completes when the broker acknowledged the record
 * (the channel has {@code acks=all}), and fails when it was nacked.
 *
 * <p>Plain Java: each service's publisher is a {@code @Singleton} bean extending this class, its constructor
 * taking the injected {@code @Channel("out") Emitter<byte[]>} and passing on the service's name.
 */
public class EmitterPublisher {

    private final Emitter<byte[]> emitter;
    private final String source;

    protected EmitterPublisher(Emitter<byte[]> emitter, String source) {
        this.emitter = Objects.requireNonNull(emitter, "emitter");
        this.source = Objects.requireNonNull(source, "source");
    }

    /** The service name in the {@code ce_source} header of every record. */
    public String source() {
        return source;
    }

    /** Sends {@code message}; the stage completes on the broker's ack, exceptionally on a nack. */
    public CompletionStage<Void> publish(Message message) {
        return publish(message.topic(), KafkaMessages.key(message), KafkaMessages.headers(message, source),
                KafkaMessages.value(message));
    }

    /**
     * Sends {@code message} with more headers (e.g. a signature over its value); the stage completes on the broker's
     * ack, exceptionally on a nack.
     */
    public CompletionStage<Void> publish(Message message, Map<String, String> extraHeaders) {
        Headers headers = KafkaMessages.headers(message, source);
        extraHeaders.forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        return publish(message.topic(), KafkaMessages.key(message), headers, KafkaMessages.value(message));
    }

    /** Sends a record that is not a contract message (e.g. a CDEvent) as it is given. */
    public CompletionStage<Void> publish(String topic, String key, Headers headers,
                                         byte[] value) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic)
                .withKey(key)
                .withHeaders(headers)
                .build();
        emitter.send(org.eclipse.microprofile.reactive.messaging.Message.of(value,
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

    /**
     * Sends {@code message} and waits for the broker's ack, at most {@code timeout}: a handler that answers
     * a command this way does not let its offset be committed before the answer is safe.
     *
     * @throws IllegalStateException naming the message and its target when it was nacked, timed out or the
     *                               wait was interrupted (the thread's interrupt flag is then set again)
     */
    public void publishAndWait(Message message, Duration timeout) {
        await(publish(message).toCompletableFuture(), timeout,
                () -> message.getClass().getSimpleName() + " for " + message.target());
    }

    /** Each message after the previous one was acknowledged (see {@link #publishAndWait}). */
    public void publishEachAndWait(List<? extends Message> messages, Duration timeout) {
        for (Message m : messages) {
            publishAndWait(m, timeout);
        }
    }

    /**
     * Sends all messages in order without waiting in between, then waits until every one is acknowledged,
     * at most {@code timeout} in all.
     *
     * @throws IllegalStateException when any was nacked, the time ran out or the wait was interrupted
     */
    public void publishAllAndWait(List<? extends Message> messages, Duration timeout) {
        CompletableFuture<?>[] acks = messages.stream().map(m -> publish(m).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        await(CompletableFuture.allOf(acks), timeout, () -> messages.size() + " messages");
    }

    private static void await(CompletableFuture<?> acked, Duration timeout, java.util.function.Supplier<String> what) {
        try {
            acked.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted publishing " + what.get(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish " + what.get() + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot publish " + what.get() + ": no ack from the broker within "
                    + timeout.toMillis() + " ms", e);
        }
    }
}
