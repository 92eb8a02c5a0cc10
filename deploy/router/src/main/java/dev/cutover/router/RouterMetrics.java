package dev.cutover.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-backend request metrics, in Prometheus text:
 * {@code cutover_router_requests_total{backend,version,status_class}},
 * {@code cutover_router_errors_total{backend}} (5xx from the backend or a proxy failure),
 * {@code cutover_router_request_duration_seconds{backend}} (histogram with buckets, for p95),
 * {@code cutover_router_inflight{backend}}, and {@code cutover_router_unrouted_total} (503: no active backend).
 */
final class RouterMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, PerBackend> byBackend = new ConcurrentHashMap<>();
    private final Map<String, Counter> requestCounters = new ConcurrentHashMap<>();
    private final Counter unrouted = Counter.builder("cutover.router.unrouted")
            .description("Requests answered 503 because no backend had weight > 0")
            .register(registry);

    private record PerBackend(Counter errors, Timer duration, AtomicInteger inflight) {
    }

    /** Registers a backend's meters so they show (at zero) as soon as it is configured. */
    void register(String backend) {
        perBackend(backend);
    }

    void started(String backend) {
        perBackend(backend).inflight().incrementAndGet();
    }

    /** @param status the HTTP status sent, or -1 when the exchange broke before a response was completed */
    void finished(String backend, String version, int status, long durationNanos) {
        PerBackend meters = perBackend(backend);
        meters.inflight().decrementAndGet();
        meters.duration().record(durationNanos, TimeUnit.NANOSECONDS);
        String statusClass = status < 0 ? "aborted" : (status / 100) + "xx";
        requestCounters.computeIfAbsent(backend + "|" + version + "|" + statusClass, k -> Counter
                .builder("cutover.router.requests")
                .description("Requests forwarded, by backend, version and status class")
                .tag("backend", backend)
                .tag("version", version)
                .tag("status_class", statusClass)
                .register(registry)).increment();
        if (status < 0 || status >= 500) {
            meters.errors().increment();
        }
    }

    void unrouted() {
        unrouted.increment();
    }

    String scrape() {
        return registry.scrape();
    }

    void close() {
        registry.close();
    }

    private PerBackend perBackend(String backend) {
        return byBackend.computeIfAbsent(backend, id -> {
            AtomicInteger inflight = new AtomicInteger();
            Gauge.builder("cutover.router.inflight", inflight, AtomicInteger::get)
                    .description("Requests in flight to the backend (including a removed backend still draining)")
                    .tag("backend", id)
                    .register(registry);
            Counter errors = Counter.builder("cutover.router.errors")
                    .description("5xx answers from the backend and proxy failures (502) for it")
                    .tag("backend", id)
                    .register(registry);
            Timer duration = Timer.builder("cutover.router.request.duration")
                    .description("Time from request arrival to the end of the response")
                    .tag("backend", id)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry);
            return new PerBackend(errors, duration, inflight);
        });
    }
}
