package dev.cutover.healthmonitor.metrics.provider;

/**
 * The metric provider for one command's {@code metricsUrl}: its source decides, not only the configuration (an
 * Azure App Service target's metrics are in Azure Monitor whatever the local provider is). Built by
 * {@link MetricProviderProducer}, the one place the choice is made.
 */
@FunctionalInterface
public interface MetricProviders {

    MetricProvider forMetricsUrl(String metricsUrl);

    /** Always {@code provider}, whatever the URL (tests of one provider). */
    static MetricProviders only(MetricProvider provider) {
        return metricsUrl -> provider;
    }
}
