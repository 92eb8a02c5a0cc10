package dev.cutover.rollback.messaging;

import dev.cutover.events.Message;
import dev.cutover.events.kafka.EmitterPublisher;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import java.time.Duration;
import java.util.List;

/** Publishes rollback events and provisioner commands (outcomes are counted by the saga, which knows the strategy). */
@Singleton
public class RollbackPublisher extends EmitterPublisher {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    RollbackPublisher(@Channel("out") Emitter<byte[]> emitter) {
        super(emitter, "rollback-service");
    }

    /** Publishes in order, each after the previous one was acknowledged by the broker. */
    public void publishAll(List<? extends Message> messages) {
        publishEachAndWait(messages, ACK_TIMEOUT);
    }
}
