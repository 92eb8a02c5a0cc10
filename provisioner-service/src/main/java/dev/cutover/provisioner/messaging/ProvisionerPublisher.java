package dev.cutover.provisioner.messaging;

import dev.cutover.events.kafka.EmitterPublisher;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/** Publishes provisioner events, keyed by target; each send completes when the broker acknowledged it. */
@Singleton
public class ProvisionerPublisher extends EmitterPublisher {

    @Inject
    ProvisionerPublisher(@Channel("out") Emitter<byte[]> emitter) {
        super(emitter, "provisioner-service");
    }
}
