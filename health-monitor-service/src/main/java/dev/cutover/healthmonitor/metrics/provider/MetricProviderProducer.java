package dev.cutover.healthmonitor.metrics.provider;

import dev.cutover.healthmonitor.analysis.AnalysisConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The one place the metric provider is chosen, from {@code cutover.analysis.metric-provider}. */
@ApplicationScoped
public class MetricProviderProducer {

    private static final Logger LOG = Logger.getLogger(MetricProviderProducer.class);

    private ExecutorService executor;

    @Produces
    @Singleton
    MetricProvider metricProvider(AnalysisConfig config) {
        AtomicInteger count = new AtomicInteger();
        executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "metrics-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(config.metricsTimeoutMs())).executor(executor).build();
        MetricProvider provider = create(config, client);
        LOG.infof("Canary analysis reads metrics from the %s provider", provider.name());
        return provider;
    }

    static MetricProvider create(AnalysisConfig config, HttpClient client) {
        return switch (config.metricProvider()) {
            case "router" -> new RouterMetricProvider(client, config.metricsTimeoutMs());
            case "prometheus" -> new PrometheusMetricProvider(client, config.metricsTimeoutMs(), config.prometheus().url(),
                    new PrometheusMetricProvider.Queries(config.prometheus().requestsQuery(),
                            config.prometheus().errorsQuery(), config.prometheus().p95Query()));
            default -> throw new IllegalArgumentException("cutover.analysis.metric-provider must be router or prometheus, was '"
                    + config.metricProvider() + "'");
        };
    }

    @PreDestroy
    void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
