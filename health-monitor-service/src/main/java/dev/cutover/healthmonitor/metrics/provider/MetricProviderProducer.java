package dev.cutover.healthmonitor.metrics.provider;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.cutover.healthmonitor.analysis.AnalysisConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place the metric provider is chosen, per command: a {@code metricsUrl} with the {@code azure-monitor:}
 * scheme (an Azure App Service target, see {@link AzureMonitorSource}) goes to Azure Monitor, any other to the
 * provider configured in {@code cutover.analysis.metric-provider}.
 */
@ApplicationScoped
public class MetricProviderProducer {

    private static final Logger LOG = Logger.getLogger(MetricProviderProducer.class);

    private ExecutorService executor;

    @Produces
    @Singleton
    MetricProviders metricProviders(AnalysisConfig config) {
        AtomicInteger count = new AtomicInteger();
        executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "metrics-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(config.metricsTimeoutMs())).executor(executor).build();
        MetricProvider provider = create(config, client);
        MetricProvider azure = azureMonitor(config.azure(), executor);
        LOG.infof("Canary analysis reads metrics from the %s provider (%s for %s sources)", provider.name(), azure.name(),
                AzureMonitorSource.SCHEME);
        return choose(provider, azure);
    }

    /** {@code azureMonitor} for an {@code azure-monitor:} metricsUrl, {@code configured} for any other. */
    public static MetricProviders choose(MetricProvider configured, MetricProvider azureMonitor) {
        return metricsUrl -> AzureMonitorSource.isAzureMonitor(metricsUrl) ? azureMonitor : configured;
    }

    /** The Azure Monitor provider; its clients are built when a subscription is first read, nothing is called before. */
    static AzureMonitorMetricProvider azureMonitor(AnalysisConfig.Azure config, ExecutorService executor) {
        com.azure.core.http.HttpClient http = new JdkHttpClientBuilder().executor(executor)
                .connectionTimeout(Duration.ofMillis(config.timeoutMs())).build();
        AzureMonitorClients clients = new AzureMonitorClients(http, config.resourceManagerEndpoint(),
                config.tenantId().orElse(null), switch (config.authentication()) {
                    case DEFAULT -> new DefaultAzureCredentialBuilder().build();
                    case NONE -> null;
                });
        return new AzureMonitorMetricProvider(clients, config.timeoutMs(), Clock.systemUTC(), executor);
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
