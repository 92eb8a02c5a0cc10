package dev.cutover.healthmonitor.messaging;

import dev.cutover.events.Message;
import dev.cutover.events.kafka.EmitterPublisher;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/** Publishes verdicts of checks and analyses through the one outgoing channel, each completing on the broker's ack. */
@Singleton
public class HealthMonitorEventPublisher extends EmitterPublisher {

    private static final Logger LOG = Logger.getLogger(HealthMonitorEventPublisher.class);

    @Inject
    HealthMonitorEventPublisher(@Channel("out") Emitter<byte[]> emitter) {
        super(emitter, "health-monitor-service");
    }

    /** Publishes a verdict no consumer thread waits for: a failure is logged, naming {@code what} was lost. */
    public void publishOrLog(Message verdict, String what) {
        publish(verdict).exceptionally(failure -> {
            LOG.errorf(failure, "Could not publish %s", what);
            return null;
        });
    }
}
