package dev.cutover.healthmonitor.messaging;

import dev.cutover.events.kafka.EmitterPublisher;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/** Publishes verdicts of checks and analyses through the one outgoing channel, each completing on the broker's ack. */
@Singleton
public class HealthMonitorEventPublisher extends EmitterPublisher {

    @Inject
    HealthMonitorEventPublisher(@Channel("out") Emitter<byte[]> emitter) {
        super(emitter, "health-monitor-service");
    }
}
