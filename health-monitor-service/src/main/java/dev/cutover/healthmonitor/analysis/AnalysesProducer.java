package dev.cutover.healthmonitor.analysis;

import dev.cutover.healthmonitor.check.HealthCheckConfig;
import dev.cutover.healthmonitor.check.HttpProbeClient;
import dev.cutover.healthmonitor.check.RunningCommands;
import dev.cutover.healthmonitor.messaging.HealthMonitorEventPublisher;
import dev.cutover.healthmonitor.metrics.provider.MetricProviders;
import dev.cutover.healthmonitor.work.KafkaWorkJournal;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.concurrent.ScheduledExecutorService;

/** Wires the plain analysis engine into CDI: its own scheduler, the health checks' probe client, the publisher, the work log. */
@ApplicationScoped
public class AnalysesProducer {

    private Analyses analyses;

    @Produces
    @Singleton
    Analyses analyses(AnalysisConfig config, HealthCheckConfig checks, MetricProviders providers, MeterRegistry registry,
                      HealthMonitorEventPublisher publisher, KafkaWorkJournal journal) {
        ScheduledExecutorService scheduler = RunningCommands.daemonScheduler("analysis", config.threads());
        analyses = new Analyses(providers, new HttpProbeClient(scheduler, checks.bodyExcerptChars()), scheduler, registry,
                event -> publisher.publishOrLog(event, "the step " + event.step() + " verdict of deployment "
                        + event.meta().deploymentId()),
                config.latencyMinDifferenceMs(), config.probeTimeoutMs(), config.rememberedCommands());
        analyses.recordWorkIn(journal);
        return analyses;
    }

    @PreDestroy
    void stop() {
        if (analyses != null) {
            analyses.shutdown();
        }
    }
}
