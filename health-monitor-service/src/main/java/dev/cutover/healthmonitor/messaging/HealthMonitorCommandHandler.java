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
import org.jboss.logging.Logger;

/**
 * Starts checks and analyses and returns once their work is recorded in the work log (so the offset is committed
 * only for work a restarted replica can resume), without waiting for them: they run for seconds. The verdict is
 * published by the check or analysis itself when it is decided. While the work log cannot be written the command
 * is retried here (never dead-lettered): an unrecorded command must not be acknowledged.
 */
@ApplicationScoped
public class HealthMonitorCommandHandler {

    private static final Logger LOG = Logger.getLogger(HealthMonitorCommandHandler.class);
    private static final long RETRY_MS = 1000;

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
                durably(() -> checks.submit(command), command.meta().messageId());
            } else if (m instanceof RunAnalysis command) {
                durably(() -> analyses.submit(command), command.meta().messageId());
            }
        });
    }

    private static void durably(Runnable submit, String messageId) {
        for (int attempt = 1; ; attempt++) {
            try {
                submit.run();
                return;
            } catch (IllegalStateException e) {
                LOG.warnf("Could not record the work of command %s (attempt %d), retrying in %d ms: %s", messageId,
                        attempt, RETRY_MS, e.getMessage());
                try {
                    Thread.sleep(RETRY_MS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
