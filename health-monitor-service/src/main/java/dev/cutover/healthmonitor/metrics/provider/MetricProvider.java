package dev.cutover.healthmonitor.metrics.provider;

import dev.cutover.events.Target;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where canary analysis gets its numbers: per slot (a router backend id), requests, 5xx errors and p95 latency
 * over a window that starts when {@link #open} is called. Implementations never block the caller: both steps
 * return futures that fail with {@link MetricsUnavailableException} when the source cannot be read.
 * Chosen per command by {@link MetricProviderProducer}: Azure Monitor for an {@code azure-monitor:} metricsUrl, else
 * the one configured in {@code cutover.analysis.metric-provider}.
 */
public interface MetricProvider {

    /**
     * Starts a window on {@code slots} of {@code target}, reading from {@code metricsUrl} (for the router: its
     * admin base URL; a shared source such as Prometheus tells targets apart by {@code target}).
     */
    CompletableFuture<MetricWindow> open(Target target, String metricsUrl, List<String> slots);

    /**
     * The window whose {@link MetricWindow#checkpoint()} was {@code checkpoint}, as if it had never stopped: a read
     * counts everything from that window's start. Providers without checkpoints open a fresh window.
     */
    default CompletableFuture<MetricWindow> resume(Target target, String metricsUrl, List<String> slots,
                                                   String checkpoint) {
        return open(target, metricsUrl, slots);
    }

    /** The name used in config and in decision records ("router", "prometheus", "azure-monitor"). */
    String name();
}
