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
        return snapshot(url, slots).thenApply(start -> new Window(url, slots, start));
    }

    /** The window from the counters in {@code checkpoint} (the start snapshot as JSON): nothing to read to resume. */
    @Override
    public CompletableFuture<MetricWindow> resume(Target target, String metricsUrl, List<String> slots,
                                                  String checkpoint) {
        URI url = RouterAdminApi.uri(metricsUrl, RouterAdminApi.METRICS_PATH);
        try {
            return CompletableFuture.completedFuture(new Window(url, slots, RouterSnapshot.fromJson(checkpoint)));
        } catch (RuntimeException e) {
            return open(target, metricsUrl, slots);
        }
    }

    /** Counters now minus the counters at the start; the checkpoint is the start snapshot. */
    private final class Window implements MetricWindow {
        private final URI url;
        private final List<String> slots;
        private final RouterSnapshot start;

        Window(URI url, List<String> slots, RouterSnapshot start) {
            this.url = url;
            this.slots = List.copyOf(slots);
            this.start = start;
        }

        @Override
        public CompletableFuture<Map<String, SlotMetrics>> read() {
            return snapshot(url, slots).thenApply(now -> {
                Map<String, SlotMetrics> window = new java.util.HashMap<>(now.since(start));
                slots.forEach(slot -> window.putIfAbsent(slot, SlotMetrics.EMPTY));
                return Map.copyOf(window);
            });
        }

        @Override
        public String checkpoint() {
            return start.toJson();
        }
    }

    private CompletableFuture<RouterSnapshot> snapshot(URI url, List<String> slots) {
        return http.body(url).thenApply(text -> RouterSnapshot.of(PrometheusText.parse(text), slots));
    }
}
