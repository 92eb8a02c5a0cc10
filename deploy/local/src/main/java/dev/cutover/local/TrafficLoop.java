package dev.cutover.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady user traffic through a router: a fixed request rate, counting answers by version and every
 * failure (non-2xx or no answer) with what went wrong.
 */
public final class TrafficLoop implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final URI url;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong injected = new AtomicLong();
    private final Map<String, AtomicLong> byVersion = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private volatile String lastVersion = "";
    private final long startedNanos = System.nanoTime();

    /** How the sample app starts a 500 it injects on purpose. */
    static final String INJECTED = "injected error";

    private TrafficLoop(URI url) {
        this.url = url;
    }

    public static TrafficLoop start(URI url, int requestsPerSecond) {
        TrafficLoop loop = new TrafficLoop(url);
        long periodMicros = 1_000_000L / requestsPerSecond;
        loop.scheduler.scheduleAtFixedRate(loop::fire, 0, periodMicros, TimeUnit.MICROSECONDS);
        return loop;
    }

    private void fire() {
        sent.incrementAndGet();
        http.sendAsync(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .whenComplete((response, error) -> {
                    if (error != null) {
                        fail("no answer: " + error);
                    } else if (response.statusCode() == 500 && response.body().startsWith(INJECTED)) {
                        // the sample app's own fault injection: the broken version's doing, not the router's
                        injected.incrementAndGet();
                    } else if (response.statusCode() / 100 != 2) {
                        fail("status " + response.statusCode() + ": " + response.body());
                    } else {
                        ok.incrementAndGet();
                        String version = versionOf(response.body());
                        lastVersion = version;
                        byVersion.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();
                    }
                });
    }

    private void fail(String what) {
        failed.incrementAndGet();
        if (failures.size() < 20) {
            // when it went wrong (seconds since the loop started) tells a stall at a kill from a steady fault
            failures.add(String.format("+%.1fs %s", (System.nanoTime() - startedNanos) / 1e9, what));
        }
    }

    /** The sample app answers {@code version=<v> ...}. */
    static String versionOf(String body) {
        for (String part : body.trim().split("[\\s,;]+")) {
            if (part.startsWith("version=")) {
                return part.substring("version=".length());
            }
        }
        return body.trim();
    }

    public long sent() {
        return sent.get();
    }

    public long ok() {
        return ok.get();
    }

    public long failed() {
        return failed.get();
    }

    /** 500s the sample app injected on purpose (a broken canary), counted apart from {@link #failed()}. */
    public long injected() {
        return injected.get();
    }

    public String lastVersion() {
        return lastVersion;
    }

    public Map<String, Long> byVersion() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        byVersion.forEach((v, n) -> copy.put(v, n.get()));
        return copy;
    }

    public java.util.List<String> failures() {
        return java.util.List.copyOf(failures);
    }

    public void resetVersionCounts() {
        byVersion.clear();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return String.format("sent %d, ok %d, failed %d, injected by the app %d, by version %s", sent(), ok(), failed(),
                injected(), byVersion());
    }
}
