package dev.cutover.healthmonitor.messaging;

import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.healthmonitor.analysis.Analyses;
import dev.cutover.healthmonitor.check.HealthChecks;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Starts checks and analyses and returns at once: they run for seconds, the consumer must not wait for them. The
 * verdict is published by the check or analysis itself when it is decided.
 */
@ApplicationScoped
public class HealthMonitorCommandHandler {

    private static final Logger LOG = Logger.getLogger(HealthMonitorCommandHandler.class);

    @Inject
    HealthChecks checks;

    @Inject
    Analyses analyses;

    @Incoming("healthmonitor-commands")
    @Blocking(ordered = true)
    public void handle(ConsumerRecord<String, byte[]> record) {
        Message m = KafkaMessages.decode(record.headers(), record.value());
        if (m instanceof RunHealthCheck command) {
            checks.submit(command);
        } else if (m instanceof RunAnalysis command) {
            analyses.submit(command);
        } else {
            LOG.debugf("Ignoring %s on %s", m.getClass().getSimpleName(), record.topic());
        }
    }
}
