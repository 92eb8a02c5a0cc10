package dev.cutover.healthmonitor.metrics.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.events.Target;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * PromQL instant queries over Prometheus's HTTP API ({@code /api/v1/query}) at a configured base URL, for where a
 * Prometheus already scrapes the routers (or the apps). The window is the time since {@link #open}, rounded up
 * to whole seconds, put into the query templates as {@code <window>}; the slot goes in as {@code <slot>}, the
 * target as {@code <application>} and {@code <environment>} - every router has slots named alike, so a query
 * without the target would add up all applications'. The p95 template must answer seconds. The command's
 * {@code metricsUrl} is not used: Prometheus knows every target.
 */
public final class PrometheusMetricProvider implements MetricProvider {

    /** The three queries; placeholders {@code <application>}, {@code <environment>}, {@code <slot>}, {@code <window>} (seconds). */
    public record Queries(String requests, String errors, String p95Seconds) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpGet http;
    private final String baseUrl;
    private final Queries queries;

    public PrometheusMetricProvider(HttpClient client, long timeoutMs, String baseUrl, Queries queries) {
        this.http = new HttpGet(client, timeoutMs);
        this.baseUrl = baseUrl;
        this.queries = queries;
    }

    @Override
    public String name() {
        return "prometheus";
    }

    @Override
    public CompletableFuture<MetricWindow> open(Target target, String metricsUrl, List<String> slots) {
        long startMs = System.currentTimeMillis();
        // fails fast when Prometheus is unreachable, like the router provider's first snapshot
        return query("vector(1)").thenApply(ignored -> window(target, slots, startMs));
    }

    /** The checkpoint is the window's start (epoch ms): Prometheus keeps the history, the window is re-queried from it. */
    @Override
    public CompletableFuture<MetricWindow> resume(Target target, String metricsUrl, List<String> slots,
                                                  String checkpoint) {
        try {
            return CompletableFuture.completedFuture(window(target, slots, Long.parseLong(checkpoint)));
        } catch (NumberFormatException | NullPointerException e) {
            return open(target, metricsUrl, slots);
        }
    }

    private MetricWindow window(Target target, List<String> slots, long startMs) {
        return new MetricWindow() {
            @Override
            public CompletableFuture<Map<String, SlotMetrics>> read() {
                return readSince(target, slots, startMs);
            }

            @Override
            public String checkpoint() {
                return Long.toString(startMs);
            }
        };
    }

    private CompletableFuture<Map<String, SlotMetrics>> readSince(Target target, List<String> slots, long startMs) {
        long seconds = Math.max(1, (long) Math.ceil((System.currentTimeMillis() - startMs) / 1000.0));
        Map<String, CompletableFuture<SlotMetrics>> bySlot = new HashMap<>();
        for (String slot : slots) {
            CompletableFuture<Double> requests = query(fill(queries.requests(), target, slot, seconds));
            CompletableFuture<Double> errors = query(fill(queries.errors(), target, slot, seconds));
            CompletableFuture<Double> p95 = query(fill(queries.p95Seconds(), target, slot, seconds));
            bySlot.put(slot, CompletableFuture.allOf(requests, errors, p95).thenApply(v -> new SlotMetrics(
                    count(requests.join()), count(errors.join()), p95.join() * 1000.0)));
        }
        return CompletableFuture.allOf(bySlot.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, SlotMetrics> window = new HashMap<>();
            bySlot.forEach((slot, f) -> window.put(slot, f.join()));
            return Map.copyOf(window);
        });
    }

    static String fill(String template, Target target, String slot, long windowSeconds) {
        return template.replace("<application>", label(target.application()))
                .replace("<environment>", label(target.environment())).replace("<slot>", label(slot))
                .replace("<window>", Long.toString(windowSeconds));
    }

    /** A PromQL label value inside double quotes. */
    private static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** increase() extrapolates to the window's edges, so counts come back fractional: round them. */
    private static long count(double value) {
        return Double.isNaN(value) || value < 0 ? 0 : Math.round(value);
    }

    /** The single value of an instant query; NaN for an empty vector (no series: nothing happened). */
    CompletableFuture<Double> query(String promql) {
        URI url = HttpGet.join(baseUrl, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        return http.body(url).thenApply(body -> value(promql, body));
    }

    static double value(String promql, String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new MetricsUnavailableException("Prometheus answered something that is not JSON to " + promql);
        }
        if (!"success".equals(root.path("status").asText())) {
            throw new MetricsUnavailableException("Prometheus rejected " + promql + ": "
                    + root.path("errorType").asText() + " " + root.path("error").asText());
        }
        JsonNode data = root.path("data");
        JsonNode result = data.path("result");
        JsonNode pair;
        switch (data.path("resultType").asText()) {
            case "scalar" -> pair = result;
            case "vector" -> {
                if (result.size() == 0) {
                    return Double.NaN;
                }
                if (result.size() > 1) {
                    throw new MetricsUnavailableException("expected one series from " + promql + ", got " + result.size()
                            + " (aggregate it, e.g. with sum(...))");
                }
                pair = result.get(0).path("value");
            }
            default -> throw new MetricsUnavailableException("expected a vector or scalar from " + promql + ", got "
                    + data.path("resultType").asText());
        }
        return PrometheusText.number(pair.path(1).asText());
    }
}
