package dev.cutover.healthmonitor.metrics.provider;

import dev.cutover.events.Target;
import dev.cutover.events.router.RouterAdminApi;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reads the router's own Prometheus text at {@code <metricsUrl>/metrics}: {@code metricsUrl} is the router's admin
 * URL, as the provisioner reports it ({@code routerAdminUrl}), and the path is the admin API's
 * ({@link RouterAdminApi#METRICS_PATH}). A window is the difference between the counters when it opened and now,
 * so no Prometheus server is needed.
 */
public final class RouterMetricProvider implements MetricProvider {

    private final HttpGet http;

    public RouterMetricProvider(HttpClient client, long timeoutMs) {
        this.http = new HttpGet(client, timeoutMs);
    }

    @Override
    public String name() {
        return "router";
    }

    @Override
    public CompletableFuture<MetricWindow> open(Target target, String metricsUrl, List<String> slots) {
        URI url = RouterAdminApi.uri(metricsUrl, RouterAdminApi.METRICS_PATH);
        return snapshot(url, slots).thenApply(start -> () -> snapshot(url, slots).thenApply(now -> {
            Map<String, SlotMetrics> window = new java.util.HashMap<>(now.since(start));
            slots.forEach(slot -> window.putIfAbsent(slot, SlotMetrics.EMPTY));
            return Map.copyOf(window);
        }));
    }

    private CompletableFuture<RouterSnapshot> snapshot(URI url, List<String> slots) {
        return http.body(url).thenApply(text -> RouterSnapshot.of(PrometheusText.parse(text), slots));
    }
}
