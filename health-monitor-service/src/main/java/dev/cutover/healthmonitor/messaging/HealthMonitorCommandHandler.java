package dev.cutover.healthmonitor.messaging;

import dev.cutover.events.HealthMonitorCommand;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.kafka.IncomingRecords;
import dev.cutover.healthmonitor.analysis.Analyses;
import dev.cutover.healthmonitor.check.HealthChecks;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Starts checks and analyses and returns at once: they run for seconds, the consumer must not wait for them. The
 * verdict is published by the check or analysis itself when it is decided.
 */
@ApplicationScoped
public class HealthMonitorCommandHandler {

    private final HealthChecks checks;
    private final Analyses analyses;

    @Inject
    HealthMonitorCommandHandler(HealthChecks checks, Analyses analyses) {
        this.checks = checks;
        this.analyses = analyses;
    }

    @Incoming("healthmonitor-commands")
    @Blocking(ordered = true)
    public void handle(ConsumerRecord<String, byte[]> record) {
        IncomingRecords.decode(record, HealthMonitorCommand.class).ifPresent(m -> {
            if (m instanceof RunHealthCheck command) {
                checks.submit(command);
            } else if (m instanceof RunAnalysis command) {
                analyses.submit(command);
            }
        });
    }
}
