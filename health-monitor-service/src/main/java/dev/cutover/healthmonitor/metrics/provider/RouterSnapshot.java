package dev.cutover.healthmonitor.metrics.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.events.router.RouterAdminApi;

import java.io.IOException;

import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The router's cumulative counters for some backends at one moment; a window is {@link #since} an earlier
 * snapshot. Reads {@code cutover_router_requests_total{backend}} (summed over status class and version),
 * {@code cutover_router_errors_total{backend}} and {@code cutover_router_request_duration_seconds_bucket{backend,le}}.
 */
public record RouterSnapshot(Map<String, Counts> slots) {

    static final String REQUESTS = RouterAdminApi.REQUESTS_TOTAL;
    static final String ERRORS = RouterAdminApi.ERRORS_TOTAL;
    static final String BUCKETS = RouterAdminApi.REQUEST_DURATION_BUCKET;

    /** Cumulative numbers of one backend; {@code buckets} maps the upper bound in seconds to a cumulative count. */
    public record Counts(double requests, double errors, NavigableMap<Double, Double> buckets) {
        static final Counts ZERO = new Counts(0, 0, new TreeMap<>());

        double total() {
            return buckets.isEmpty() ? requests : buckets.lastEntry().getValue();
        }
    }

    public static RouterSnapshot of(List<PrometheusText.Sample> samples, Collection<String> slots) {
        Map<String, double[]> counters = new HashMap<>();
        Map<String, NavigableMap<Double, Double>> buckets = new HashMap<>();
        for (PrometheusText.Sample s : samples) {
            String backend = s.labels().get(RouterAdminApi.BACKEND_LABEL);
            if (backend == null || !slots.contains(backend)) {
                continue;
            }
            switch (s.name()) {
                case REQUESTS -> counters.computeIfAbsent(backend, b -> new double[2])[0] += s.value();
                case ERRORS -> counters.computeIfAbsent(backend, b -> new double[2])[1] += s.value();
                case BUCKETS -> {
                    String le = s.labels().get("le");
                    if (le != null) {
                        buckets.computeIfAbsent(backend, b -> new TreeMap<>()).merge(PrometheusText.number(le), s.value(), Double::sum);
                    }
                }
                default -> {
                    // other router metrics are not needed
                }
            }
        }
        Map<String, Counts> bySlot = new HashMap<>();
        for (String slot : slots) {
            double[] c = counters.get(slot);
            NavigableMap<Double, Double> b = buckets.get(slot);
            if (c != null || b != null) {
                bySlot.put(slot, new Counts(c == null ? 0 : c[0], c == null ? 0 : c[1], b == null ? new TreeMap<>() : b));
            }
        }
        return new RouterSnapshot(Map.copyOf(bySlot));
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The snapshot as JSON, {@code {"<slot>":{"requests":n,"errors":n,"buckets":[["<le>",n],...]}}} with the bucket
     * bounds as the router writes them ({@code +Inf}), so {@link #fromJson} gives it back exactly.
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        slots.forEach((slot, c) -> {
            ObjectNode node = root.putObject(slot);
            node.put("requests", c.requests()).put("errors", c.errors());
            ArrayNode buckets = node.putArray("buckets");
            c.buckets().forEach((le, count) -> buckets.addArray()
                    .add(le == Double.POSITIVE_INFINITY ? "+Inf" : Double.toString(le)).add(count));
        });
        return root.toString();
    }

    /** The snapshot {@link #toJson} wrote. */
    public static RouterSnapshot fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a router snapshot: " + e.getMessage(), e);
        }
        Map<String, Counts> bySlot = new HashMap<>();
        root.fields().forEachRemaining(e -> {
            NavigableMap<Double, Double> buckets = new TreeMap<>();
            e.getValue().path("buckets").forEach(b -> buckets.put(PrometheusText.number(b.get(0).asText()),
                    b.get(1).asDouble()));
            bySlot.put(e.getKey(), new Counts(e.getValue().path("requests").asDouble(),
                    e.getValue().path("errors").asDouble(), buckets));
        });
        return new RouterSnapshot(Map.copyOf(bySlot));
    }

    /**
     * What happened between {@code start} and this snapshot. A counter that went down means the router restarted
     * (its counters began again at zero), so the slot's current values are the window.
     */
    public Map<String, SlotMetrics> since(RouterSnapshot start) {
        Map<String, SlotMetrics> window = new HashMap<>();
        for (Map.Entry<String, Counts> e : slots.entrySet()) {
            Counts now = e.getValue();
            Counts then = start.slots().getOrDefault(e.getKey(), Counts.ZERO);
            boolean restarted = now.requests() < then.requests() || now.errors() < then.errors()
                    || now.total() < then.total();
            Counts base = restarted ? Counts.ZERO : then;
            NavigableMap<Double, Double> delta = new TreeMap<>();
            double running = 0; // cumulative buckets never go down; guards against a scrape taken mid-update
            for (Map.Entry<Double, Double> b : now.buckets().entrySet()) {
                running = Math.max(running, Math.max(0, b.getValue() - base.buckets().getOrDefault(b.getKey(), 0.0)));
                delta.put(b.getKey(), running);
            }
            window.put(e.getKey(), new SlotMetrics(Math.round(now.requests() - base.requests()),
                    Math.round(now.errors() - base.errors()), quantile(0.95, delta) * 1000.0, p95Low(delta) * 1000.0));
        }
        return window;
    }

    /** The 95 % lower confidence bound of the p95: the histogram's value at the bounding order statistic. */
    static double p95Low(NavigableMap<Double, Double> cumulative) {
        long n = cumulative.isEmpty() ? 0 : Math.round(cumulative.lastEntry().getValue());
        return n <= 0 ? Double.NaN : quantile((double) QuantileBound.lowerRank(n, 0.95) / n, cumulative);
    }

    /**
     * The q-quantile of cumulative histogram buckets as Prometheus's histogram_quantile computes it: find the
     * bucket holding rank q x count and interpolate linearly inside it (from 0 for the first bucket); a rank in
     * the +Inf bucket answers the highest finite bound. NaN without observations.
     */
    public static double quantile(double q, NavigableMap<Double, Double> cumulative) {
        if (cumulative.isEmpty() || cumulative.lastKey() != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        double total = cumulative.lastEntry().getValue();
        if (!(total > 0)) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        Iterator<Map.Entry<Double, Double>> it = cumulative.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Double, Double> bucket = it.next();
            double upperBound = bucket.getKey();
            double count = bucket.getValue();
            if (count >= rank) {
                if (upperBound == Double.POSITIVE_INFINITY) {
                    return lowerBound;
                }
                if (count == lowerCount) {
                    return upperBound;
                }
                return lowerBound + (upperBound - lowerBound) * (rank - lowerCount) / (count - lowerCount);
            }
            lowerBound = upperBound;
            lowerCount = count;
        }
        return lowerBound;
    }
}
