package dev.cutover.events.kafka;

import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent.ConfigRejected;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.events.MessageCodec;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The record each send builds, and that every wait ends on the broker's ack or nack (a fake emitter plays it). */
class EmitterPublisherTest {

    private static final Target TARGET = new Target("shop", "prod");

    /** Keeps what was sent; the test acks or nacks each record as the connector would. */
    static final class RecordingEmitter implements Emitter<byte[]> {
        final List<org.eclipse.microprofile.reactive.messaging.Message<? extends byte[]>> sent = new CopyOnWriteArrayList<>();
        /** When set, every record is acked (true) or nacked (false) as soon as it is sent. */
        Boolean answer;

        @Override
        public CompletionStage<Void> send(byte[] payload) {
            throw new UnsupportedOperationException("the publisher sends messages with metadata");
        }

        @Override
        public <M extends org.eclipse.microprofile.reactive.messaging.Message<? extends byte[]>> void send(M msg) {
            sent.add(msg);
            if (Boolean.TRUE.equals(answer)) {
                msg.ack();
            } else if (Boolean.FALSE.equals(answer)) {
                msg.nack(new IllegalStateException("broker says no"));
            }
        }

        @Override
        public void complete() {
        }

        @Override
        public void error(Exception e) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }

        OutgoingKafkaRecordMetadata<?> metadata(int i) {
            return sent.get(i).getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        }
    }

    private final RecordingEmitter emitter = new RecordingEmitter();
    private final EmitterPublisher publisher = new EmitterPublisher(emitter, "test-service") { };

    private static ConfigRejected rejected(String reason) {
        return new ConfigRejected(Meta.start("d-1"), TARGET, reason);
    }

    private static String header(OutgoingKafkaRecordMetadata<?> metadata, String name) {
        return new String(metadata.getHeaders().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aRecordGoesToTheMessagesTopicKeyedByTargetWithTheContractHeadersAndJson() {
        ConfigRejected message = rejected("no such environment");
        publisher.publish(message);

        OutgoingKafkaRecordMetadata<?> metadata = emitter.metadata(0);
        assertEquals(message.topic(), metadata.getTopic());
        assertEquals("shop/prod", metadata.getKey());
        Map<String, String> expected = MessageCodec.headers(message, "test-service");
        for (Map.Entry<String, String> h : expected.entrySet()) {
            assertEquals(h.getValue(), header(metadata, h.getKey()), h.getKey());
        }
        assertEquals("test-service", header(metadata, MessageCodec.SOURCE_HEADER));
        assertArrayEquals(KafkaMessages.value(message), emitter.sent.get(0).getPayload());
    }

    @Test
    void theStageCompletesOnTheAckAndFailsOnTheNack() {
        CompletableFuture<Void> acked = publisher.publish(rejected("a")).toCompletableFuture();
        CompletableFuture<Void> nacked = publisher.publish(rejected("b")).toCompletableFuture();
        assertFalse(acked.isDone(), "not before the broker answered");

        emitter.sent.get(0).ack();
        emitter.sent.get(1).nack(new IllegalStateException("broker says no"));

        assertTrue(acked.isDone() && !acked.isCompletedExceptionally());
        assertTrue(nacked.isCompletedExceptionally());
    }

    @Test
    void publishAndWaitReturnsOnTheAckAndThrowsOnANackNamingTheMessage() {
        emitter.answer = true;
        publisher.publishAndWait(rejected("a"), Duration.ofSeconds(5));
        assertEquals(1, emitter.sent.size());

        emitter.answer = false;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> publisher.publishAndWait(rejected("b"), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("ConfigRejected") && e.getMessage().contains("shop/prod"), e.getMessage());
        assertEquals("broker says no", e.getCause().getMessage());
    }

    @Test
    void publishAndWaitGivesUpWhenNoAckComes() {
        long started = System.nanoTime();
        assertThrows(IllegalStateException.class, () -> publisher.publishAndWait(rejected("a"), Duration.ofMillis(200)));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) >= 200);
    }

    @Test
    void publishEachAndWaitSendsTheNextOnlyAfterThePreviousWasAcked() throws Exception {
        List<Message> messages = List.of(rejected("first"), new ResolveConfig(Meta.start("d-1"), TARGET, "v2", null));
        CompletableFuture<Void> done = CompletableFuture.runAsync(
                () -> publisher.publishEachAndWait(messages, Duration.ofSeconds(30)));

        awaitSent(1);
        // the second waits for the first one's ack
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> emitter.sent.size() == 1);
        emitter.sent.get(0).ack();
        awaitSent(2);
        assertFalse(done.isDone());
        emitter.sent.get(1).ack();
        done.get(30, TimeUnit.SECONDS);
        assertEquals(messages.get(1).topic(), emitter.metadata(1).getTopic());
    }

    @Test
    void publishAllAndWaitSendsAllInOrderThenWaitsForEveryAck() throws Exception {
        List<Message> messages = List.of(rejected("first"), rejected("second"), rejected("third"));
        CompletableFuture<Void> done = CompletableFuture.runAsync(
                () -> publisher.publishAllAndWait(messages, Duration.ofSeconds(30)));

        awaitSent(3);
        for (int i = 0; i < 3; i++) {
            assertEquals(messages.get(i).meta().messageId(), header(emitter.metadata(i), MessageCodec.ID_HEADER));
        }
        emitter.sent.get(2).ack();
        emitter.sent.get(0).ack();
        assertFalse(done.isDone(), "one is still not acknowledged");
        emitter.sent.get(1).ack();
        done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void publishAllAndWaitFailsWhenAnyIsNacked() {
        emitter.answer = false;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> publisher.publishAllAndWait(List.of(rejected("a"), rejected("b")), Duration.ofSeconds(5)));
        assertSame(IllegalStateException.class, e.getCause().getClass());
        assertEquals(2, emitter.sent.size());
    }

    private void awaitSent(int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> emitter.sent.size() >= count);
    }
}
