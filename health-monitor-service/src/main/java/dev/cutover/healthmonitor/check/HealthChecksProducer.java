package dev.cutover.healthmonitor.check;

import dev.cutover.healthmonitor.messaging.HealthMonitorEventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Wires the plain check engine into CDI: one scheduler, the JDK HTTP client, Micrometer, the publisher. */
@ApplicationScoped
public class HealthChecksProducer {

    private ScheduledExecutorService scheduler;
    private HealthChecks checks;

    @Produces
    @Singleton
    HealthChecks healthChecks(HealthCheckConfig config, MeterRegistry registry, HealthMonitorEventPublisher publisher) {
        scheduler = Executors.newScheduledThreadPool(config.threads(), daemonThreads());
        checks = new HealthChecks(new HttpProbeClient(scheduler, config.bodyExcerptChars()), scheduler, registry,
                event -> publisher.publishOrLog(event, "the " + event.phase() + " verdict of deployment "
                        + event.meta().deploymentId()),
                config.rememberedCommands());
        return checks;
    }

    @PreDestroy
    void stop() {
        if (checks != null) {
            checks.cancelAll();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "health-check-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
