package dev.cutover.azure.standin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests served per resource (a site, a slot, a scale set), as Azure Monitor would count them: when, with what
 * status and how long they took. Slots' proxies record here; the {@code insights} part answers metric queries from
 * it. Keyed by ARM id, case-insensitively.
 */
public final class Metrics {

    /** One request served by a resource. */
    public record Request(Instant at, int status, double latencyMs) {
    }

    private final Map<String, List<Request>> byResource = new ConcurrentHashMap<>();

    public void record(String resourceId, Instant at, int status, double latencyMs) {
        List<Request> list = byResource.computeIfAbsent(key(resourceId), k -> new ArrayList<>());
        synchronized (list) {
            list.add(new Request(at, status, latencyMs));
        }
    }

    /** Every request recorded for the resource, in order. */
    public List<Request> requests(String resourceId) {
        List<Request> list = byResource.get(key(resourceId));
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    /** The requests recorded for the resource in [from, to). */
    public List<Request> requests(String resourceId, Instant from, Instant to) {
        return requests(resourceId).stream().filter(r -> !r.at().isBefore(from) && r.at().isBefore(to)).toList();
    }

    /** The resources with recorded requests (ids lower-cased). */
    public List<String> resources() {
        return List.copyOf(byResource.keySet());
    }

    public void clear() {
        byResource.clear();
    }

    private static String key(String id) {
        return id.toLowerCase(Locale.ROOT);
    }
}
