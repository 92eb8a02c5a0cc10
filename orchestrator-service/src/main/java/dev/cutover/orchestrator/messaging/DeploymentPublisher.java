package dev.cutover.orchestrator.messaging;

import dev.cutover.events.Message;
import dev.cutover.events.kafka.EmitterPublisher;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import java.time.Duration;
import java.util.List;

/** Publishes commands and lifecycle events through the one outgoing channel, keyed by target. */
@Singleton
public class DeploymentPublisher extends EmitterPublisher {

    public static final String SOURCE = "orchestrator-service";

    @Inject
    DeploymentPublisher(@Channel("out") Emitter<byte[]> emitter) {
        super(emitter, SOURCE);
    }

    /** Publishes in order and waits until all are acknowledged. */
    public void publishAll(List<? extends Message> messages, Duration timeout) {
        publishAllAndWait(messages, timeout);
    }
}
