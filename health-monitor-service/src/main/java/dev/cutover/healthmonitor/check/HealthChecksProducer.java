package dev.cutover.healthmonitor.check;

import dev.cutover.healthmonitor.messaging.HealthMonitorEventPublisher;
import dev.cutover.healthmonitor.work.KafkaWorkJournal;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.concurrent.ScheduledExecutorService;

/** Wires the plain check engine into CDI: one scheduler, the JDK HTTP client, Micrometer, the publisher, the work log. */
@ApplicationScoped
public class HealthChecksProducer {

    private HealthChecks checks;

    @Produces
    @Singleton
    HealthChecks healthChecks(HealthCheckConfig config, MeterRegistry registry, HealthMonitorEventPublisher publisher,
                              KafkaWorkJournal journal) {
        ScheduledExecutorService scheduler = RunningCommands.daemonScheduler("health-check", config.threads());
        checks = new HealthChecks(new HttpProbeClient(scheduler, config.bodyExcerptChars()), scheduler, registry,
                event -> publisher.publishOrLog(event, "the " + event.phase() + " verdict of deployment "
                        + event.meta().deploymentId()),
                config.rememberedCommands());
        checks.recordWorkIn(journal);
        return checks;
    }

    @PreDestroy
    void stop() {
        if (checks != null) {
            checks.shutdown();
        }
    }
}
