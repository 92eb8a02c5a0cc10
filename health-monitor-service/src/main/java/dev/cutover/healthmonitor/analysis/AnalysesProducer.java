package dev.cutover.healthmonitor.analysis;

import dev.cutover.healthmonitor.check.HealthCheckConfig;
import dev.cutover.healthmonitor.check.HttpProbeClient;
import dev.cutover.healthmonitor.messaging.HealthMonitorEventPublisher;
import dev.cutover.healthmonitor.metrics.provider.MetricProvider;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/** Wires the plain analysis engine into CDI: its own scheduler, the health checks' probe client, the publisher. */
@ApplicationScoped
public class AnalysesProducer {

    private ScheduledExecutorService scheduler;
    private Analyses analyses;

    @Produces
    @Singleton
    Analyses analyses(AnalysisConfig config, HealthCheckConfig checks, MetricProvider provider, MeterRegistry registry,
                      HealthMonitorEventPublisher publisher) {
        AtomicInteger count = new AtomicInteger();
        scheduler = Executors.newScheduledThreadPool(config.threads(), runnable -> {
            Thread thread = new Thread(runnable, "analysis-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        analyses = new Analyses(provider, new HttpProbeClient(scheduler, checks.bodyExcerptChars()), scheduler, registry,
                event -> publisher.publishOrLog(event, "the step " + event.step() + " verdict of deployment "
                        + event.meta().deploymentId()),
                config.latencyMinDifferenceMs(), config.probeTimeoutMs(), config.rememberedCommands());
        return analyses;
    }

    @PreDestroy
    void stop() {
        if (analyses != null) {
            analyses.cancelAll();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
