package dev.cutover.healthmonitor.messaging;

import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.healthmonitor.check.HealthChecks;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Starts checks and returns at once: a check runs for seconds, the consumer must not wait for it. The verdict
 * is published by the check itself when it is decided.
 */
@ApplicationScoped
public class RunHealthCheckHandler {

    private static final Logger LOG = Logger.getLogger(RunHealthCheckHandler.class);

    @Inject
    HealthChecks checks;

    @Incoming("healthmonitor-commands")
    @Blocking(ordered = true)
    public void handle(ConsumerRecord<String, byte[]> record) {
        Message m = KafkaMessages.decode(record.headers(), record.value());
        if (!(m instanceof RunHealthCheck command)) {
            LOG.debugf("Ignoring %s on %s", m.getClass().getSimpleName(), record.topic());
            return;
        }
        checks.submit(command);
    }
}
