package dev.cutover.healthmonitor.metrics.provider;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.monitor.fluent.MetricsClient;
import com.azure.resourcemanager.monitor.fluent.models.MetricInner;
import com.azure.resourcemanager.monitor.fluent.models.ResponseInner;
import com.azure.resourcemanager.monitor.models.MetricValue;
import com.azure.resourcemanager.monitor.models.TimeSeriesElement;
import com.azure.resourcemanager.monitor.models.Unit;
import dev.cutover.events.Target;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Canary numbers of Azure App Service slots from Azure Monitor (the {@code Microsoft.Insights/metrics} API of each
 * slot's ARM resource, see {@link AzureMonitorSource}), through the SDK's {@link MetricsClient}: one call per slot
 * per read, {@code metricnames=Requests,Http5xx,HttpResponseTime}, one-minute grain, no retries (the analysis reads
 * again at its next tick; a read never sleeps on a {@code Retry-After}).
 *
 * <p>Azure Monitor counts per minute, so a window cannot start mid-minute by itself: {@link #open} reads the minute
 * it falls in as counted so far, and every read subtracts that from the same minute, so the window holds what was
 * counted after {@code open()} - exactly, where every request is counted when it is served (the ARM stand-in);
 * in Azure, requests before {@code open()} that Azure Monitor ingests later count as in the window.
 *
 * <p>App Service has no latency percentiles, only {@code HttpResponseTime}'s average and maximum per minute. The
 * p95 is therefore given as what these numbers prove: {@link SlotMetrics#p95Ms} is the window's maximum (no p95
 * can be above it) and {@link SlotMetrics#p95LowMs} the lowest p95 the average allows, {@code (mean - 0.05 max) /
 * 0.95} (at most 5 % of requests are above the p95 and none above the maximum). The judge holds a canary to the
 * latency limits by that lower bound, so on Azure it fails a canary for latency only when the numbers prove the p95
 * is over the limit (e.g. a canary whose mean alone is); a baseline whose slowest request exceeds {@code maxP95Ms}
 * makes the verdict INCONCLUSIVE ("baseline failing itself") unless the canary is worse by the relative rules. A
 * slot without a maximum (or without requests) has p95 NaN: the latency rules are skipped, errors and throughput
 * are judged as locally.
 */
public final class AzureMonitorMetricProvider implements MetricProvider {

    public static final String NAME = "azure-monitor";

    static final String REQUESTS = "Requests";
    static final String ERRORS = "Http5xx";
    static final String RESPONSE_TIME = "HttpResponseTime";
    static final String METRIC_NAMES = REQUESTS + "," + ERRORS + "," + RESPONSE_TIME;
    static final String AGGREGATIONS = "Total,Average,Maximum,Count";
    static final Duration GRAIN = Duration.ofMinutes(1);

    /** One minute of one slot, latencies in ms; {@code latencyMaxMs} NaN when Azure Monitor gave none. */
    record Minute(double requests, double errors, double latencySumMs, double latencyCount, double latencyMaxMs) {
        static final Minute ZERO = new Minute(0, 0, 0, 0, Double.NaN);

        /** This minute without what {@code before} had counted of it; a maximum cannot be taken apart, it stays. */
        Minute minus(Minute before) {
            return new Minute(Math.max(0, requests - before.requests), Math.max(0, errors - before.errors),
                    Math.max(0, latencySumMs - before.latencySumMs), Math.max(0, latencyCount - before.latencyCount),
                    latencyMaxMs);
        }
    }

    private final Function<String, MetricsClient> clients;
    private final long timeoutMs;
    private final Clock clock;
    private final Executor executor;

    /**
     * @param clients the SDK's metrics client of a subscription id (see {@link AzureMonitorClients})
     * @param timeoutMs how long one call may take
     * @param executor where the answers are handled (the metric providers' own threads, not the SDK's)
     */
    public AzureMonitorMetricProvider(Function<String, MetricsClient> clients, long timeoutMs, Clock clock,
                                      Executor executor) {
        this.clients = clients;
        this.timeoutMs = timeoutMs;
        this.clock = clock;
        this.executor = executor;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<MetricWindow> open(Target target, String metricsUrl, List<String> slots) {
        return resumeOrOpen(metricsUrl, slots, null);
    }

    /**
     * The window whose checkpoint is {@code checkpoint}: its first minute and what that minute had counted per slot
     * when it opened, so the resumed window counts exactly what the original would have. Unreadable: a fresh window.
     */
    @Override
    public CompletableFuture<MetricWindow> resume(Target target, String metricsUrl, List<String> slots,
                                                  String checkpoint) {
        return resumeOrOpen(metricsUrl, slots, checkpoint);
    }

    private CompletableFuture<MetricWindow> resumeOrOpen(String metricsUrl, List<String> slots, String checkpoint) {
        AzureMonitorSource source;
        try {
            source = AzureMonitorSource.parse(metricsUrl);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new MetricsUnavailableException("metricsUrl is not a usable "
                    + AzureMonitorSource.SCHEME + " source: " + e.getMessage()));
        }
        MetricsClient client;
        try {
            client = clients.apply(source.subscriptionId());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new MetricsUnavailableException("no Azure Monitor client: " + e, e));
        }
        Map<String, String> resources = new HashMap<>();
        for (String slot : slots) {
            source.resourceId(slot).ifPresent(id -> resources.put(slot, id));
        }
        if (checkpoint != null) {
            try {
                Checkpoint start = Checkpoint.fromJson(checkpoint);
                return CompletableFuture.completedFuture(new Window(client, resources, slots, start.firstMinute(),
                        start.counted()));
            } catch (RuntimeException e) {
                // not ours or damaged: a fresh window, as a provider without checkpoints
            }
        }
        Instant firstMinute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        // what the minute open() falls in had counted before it; also fails fast when Azure Monitor is unreachable
        Map<String, CompletableFuture<Minute>> before = new HashMap<>();
        resources.forEach((slot, id) -> before.put(slot, query(client, id, firstMinute, firstMinute.plus(GRAIN))
                .thenApply(r -> minutes(id, r).getOrDefault(firstMinute, Minute.ZERO))));
        return all(before).thenApply(counted -> new Window(client, resources, slots, firstMinute, counted));
    }

    /** A window's start: its first minute and what that minute had counted per slot when it opened. */
    record Checkpoint(Instant firstMinute, Map<String, Minute> counted) {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
                new com.fasterxml.jackson.databind.ObjectMapper();

        String toJson() {
            var root = JSON.createObjectNode().put("firstMinute", firstMinute.toString());
            var slots = root.putObject("counted");
            counted.forEach((slot, m) -> slots.putArray(slot).add(m.requests()).add(m.errors()).add(m.latencySumMs())
                    .add(m.latencyCount()).add(Double.isNaN(m.latencyMaxMs()) ? "NaN" : Double.toString(m.latencyMaxMs())));
            return root.toString();
        }

        static Checkpoint fromJson(String json) {
            com.fasterxml.jackson.databind.JsonNode root;
            try {
                root = JSON.readTree(json);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
            Map<String, Minute> counted = new HashMap<>();
            root.path("counted").fields().forEachRemaining(e -> {
                var m = e.getValue();
                counted.put(e.getKey(), new Minute(m.get(0).asDouble(), m.get(1).asDouble(), m.get(2).asDouble(),
                        m.get(3).asDouble(), Double.parseDouble(m.get(4).asText())));
            });
            return new Checkpoint(Instant.parse(root.path("firstMinute").asText()), Map.copyOf(counted));
        }
    }

    /** Everything counted since {@code firstMinute}, less what that minute had counted when the window opened. */
    private final class Window implements MetricWindow {
        private final MetricsClient client;
        private final Map<String, String> resources;
        private final List<String> slots;
        private final Instant firstMinute;
        private final Map<String, Minute> counted;

        Window(MetricsClient client, Map<String, String> resources, List<String> slots, Instant firstMinute,
               Map<String, Minute> counted) {
            this.client = client;
            this.resources = Map.copyOf(resources);
            this.slots = List.copyOf(slots);
            this.firstMinute = firstMinute;
            this.counted = Map.copyOf(counted);
        }

        @Override
        public CompletableFuture<Map<String, SlotMetrics>> read() {
            Instant end = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(GRAIN);
            Map<String, CompletableFuture<SlotMetrics>> reads = new HashMap<>();
            resources.forEach((slot, id) -> reads.put(slot, query(client, id, firstMinute, end)
                    .thenApply(r -> window(counted.getOrDefault(slot, Minute.ZERO), firstMinute, minutes(id, r)))));
            return all(reads).thenApply(read -> {
                Map<String, SlotMetrics> out = new HashMap<>(read);
                slots.forEach(slot -> out.putIfAbsent(slot, SlotMetrics.EMPTY));
                return Map.copyOf(out);
            });
        }

        @Override
        public String checkpoint() {
            return new Checkpoint(firstMinute, counted).toJson();
        }
    }

    private CompletableFuture<ResponseInner> query(MetricsClient client, String resourceId, Instant start, Instant end) {
        String timespan = start + "/" + end;
        CompletableFuture<ResponseInner> call;
        try {
            call = client.listWithResponseAsync(resourceId, timespan, GRAIN, METRIC_NAMES, AGGREGATIONS, null, null, null,
                    null, null).timeout(Duration.ofMillis(timeoutMs)).map(r -> r.getValue()).toFuture();
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handleAsync((response, failure) -> {
            if (failure != null) {
                throw unavailable(resourceId, failure);
            }
            return response;
        }, executor);
    }

    private MetricsUnavailableException unavailable(String resourceId, Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t.getClass() == RuntimeException.class) && t.getCause() != null
                && t != t.getCause()) {
            t = t.getCause();
        }
        String what = "Azure Monitor metrics of " + resourceId;
        if (t instanceof HttpResponseException http && http.getResponse() != null) {
            String code = t instanceof ManagementException m && m.getValue() != null ? m.getValue().getCode() : null;
            return new MetricsUnavailableException(what + ": answered " + http.getResponse().getStatusCode()
                    + (code == null ? "" : " " + code), t);
        }
        if (t instanceof TimeoutException) {
            return new MetricsUnavailableException(what + ": timed out after " + timeoutMs + " ms", t);
        }
        if (t instanceof ConnectException || t.getCause() instanceof ConnectException) {
            return new MetricsUnavailableException(what + ": unreachable (connection refused)", t);
        }
        return new MetricsUnavailableException(what + ": " + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()), t);
    }

    /**
     * The minutes of one slot's answer, by the minute's start. Every metric asked for must be there: a missing one
     * means the resource is not what the source says (not an App Service slot), not "no traffic".
     */
    static Map<Instant, Minute> minutes(String resourceId, ResponseInner response) {
        Map<String, MetricInner> byName = new HashMap<>();
        for (MetricInner metric : Optional.ofNullable(response.value()).orElse(List.of())) {
            if (metric.name() != null && metric.name().value() != null) {
                byName.put(metric.name().value().toLowerCase(Locale.ROOT), metric);
            }
        }
        for (String name : List.of(REQUESTS, ERRORS, RESPONSE_TIME)) {
            if (!byName.containsKey(name.toLowerCase(Locale.ROOT))) {
                throw new MetricsUnavailableException("Azure Monitor answered no " + name + " for " + resourceId);
            }
        }
        Map<Instant, MetricValue> requests = points(byName.get(REQUESTS.toLowerCase(Locale.ROOT)));
        Map<Instant, MetricValue> errors = points(byName.get(ERRORS.toLowerCase(Locale.ROOT)));
        MetricInner responseTime = byName.get(RESPONSE_TIME.toLowerCase(Locale.ROOT));
        Map<Instant, MetricValue> latency = points(responseTime);
        double toMs = Unit.MILLI_SECONDS.equals(responseTime.unit()) ? 1.0 : 1000.0; // App Service answers Seconds
        Map<Instant, Minute> out = new TreeMap<>();
        Set<Instant> all = new TreeSet<>(requests.keySet());
        all.addAll(errors.keySet());
        all.addAll(latency.keySet());
        for (Instant at : all) {
            double n = total(requests.get(at));
            double e = total(errors.get(at));
            MetricValue l = latency.get(at);
            double count = l == null ? 0 : l.count() != null ? l.count() : l.average() != null ? n : 0;
            double sum = l == null || l.average() == null ? 0 : l.average() * toMs * count;
            double max = l == null || l.maximum() == null ? Double.NaN : l.maximum() * toMs;
            out.put(at, new Minute(n, e, sum, count, max));
        }
        return out;
    }

    /** The data points of a metric's only time series (no dimension filter is asked for), by the minute's start. */
    private static Map<Instant, MetricValue> points(MetricInner metric) {
        Map<Instant, MetricValue> out = new HashMap<>();
        for (TimeSeriesElement series : Optional.ofNullable(metric.timeseries()).orElse(List.of())) {
            for (MetricValue value : Optional.ofNullable(series.data()).orElse(List.of())) {
                if (value.timestamp() != null) {
                    out.merge(value.timestamp().toInstant(), value, (a, b) -> a);
                }
            }
        }
        return out;
    }

    private static double total(MetricValue value) {
        return value == null || value.total() == null ? 0 : value.total();
    }

    /**
     * The window's numbers from its minutes: what {@code firstMinute} had counted at {@code open()} ({@code before})
     * taken out, minutes before {@code firstMinute} ignored. See the class comment for the p95 bounds.
     */
    static SlotMetrics window(Minute before, Instant firstMinute, Map<Instant, Minute> minutes) {
        double requests = 0;
        double errors = 0;
        double latencySum = 0;
        double latencyCount = 0;
        double max = Double.NEGATIVE_INFINITY;
        boolean maxKnown = true;
        for (Map.Entry<Instant, Minute> e : minutes.entrySet()) {
            if (e.getKey().isBefore(firstMinute)) {
                continue;
            }
            Minute m = e.getKey().equals(firstMinute) ? e.getValue().minus(before) : e.getValue();
            requests += m.requests();
            errors += m.errors();
            latencySum += m.latencySumMs();
            latencyCount += m.latencyCount();
            if (m.latencyCount() > 0) {
                if (Double.isNaN(m.latencyMaxMs())) {
                    maxKnown = false;
                } else {
                    max = Math.max(max, m.latencyMaxMs());
                }
            }
        }
        long n = Math.round(requests);
        long errorCount = Math.min(n, Math.round(errors));
        if (latencyCount <= 0 || !maxKnown || !Double.isFinite(max)) {
            return new SlotMetrics(n, errorCount, Double.NaN);
        }
        double mean = latencySum / latencyCount;
        double low = Math.min(max, Math.max(0, (mean - 0.05 * max) / 0.95));
        return new SlotMetrics(n, errorCount, max, low);
    }

    private static <T> CompletableFuture<Map<String, T>> all(Map<String, CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new)).handle((v, failure) -> {
            if (failure != null) {
                throw HttpGet.unwrap(failure);
            }
            Map<String, T> out = new HashMap<>();
            futures.forEach((k, f) -> out.put(k, f.join()));
            return out;
        });
    }
}
