package dev.cutover.config.messaging;

import dev.cutover.events.kafka.EmitterPublisher;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/** Publishes the config-service's answers through its one outgoing channel, each send completing on the broker's ack. */
@Singleton
public class ConfigEventPublisher extends EmitterPublisher {

    @Inject
    ConfigEventPublisher(@Channel("out") Emitter<byte[]> emitter) {
        super(emitter, "config-service");
    }
}
