package dev.cutover.healthmonitor.work;

import dev.cutover.events.HealthMonitorCommand.CheckMode;
import dev.cutover.events.HealthMonitorCommand.HealthCheckSpec;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.HealthMonitorEvent.ProbeResult;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.healthmonitor.check.HealthChecks;
import dev.cutover.healthmonitor.check.ProbeClient;
import dev.cutover.healthmonitor.metrics.provider.PrometheusText;
import dev.cutover.healthmonitor.metrics.provider.RouterSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs rebuilt from work records: original deadlines, passed deadlines, decided work answering duplicates. */
class WorkResumeTest {

    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    final List<HealthCheckCompleted> published = new CopyOnWriteArrayList<>();
    final List<Instant> publishedAt = new CopyOnWriteArrayList<>();
    final AtomicInteger probes = new AtomicInteger();
    /** Paths containing "down" answer 503, others 200; every probe counted. */
    final ProbeClient client = (URI base, String path, long timeoutMs) -> {
        probes.incrementAndGet();
        return CompletableFuture.completedFuture(path.contains("down") ? new ProbeResult(path, 503, 1, "answered 503")
                : new ProbeResult(path, 200, 1, null));
    };
    final HealthChecks checks = new HealthChecks(client, scheduler, new SimpleMeterRegistry(), event -> {
        publishedAt.add(Instant.now());
        published.add(event);
    }, 100);

    @AfterEach
    void stop() {
        checks.shutdown();
    }

    static RunHealthCheck command(CheckMode mode, String path, int consecutive, long maxWaitMs, long windowMs) {
        return new RunHealthCheck(Meta.start("d-" + UUID.randomUUID()), new Target("shop", "staging"), "green",
                "http://127.0.0.1:1", mode == CheckMode.WATCH ? "post-switch" : "pre-switch", mode,
                new HealthCheckSpec(List.of(path), 500, 100, consecutive, maxWaitMs, windowMs, 2));
    }

    static WorkRecord runningSince(RunHealthCheck command, Instant startedAt, long windowMs) {
        return WorkRecord.fromBytes(WorkRecord.running(command, startedAt, startedAt.plusMillis(windowMs), null).toBytes());
    }

    @Test
    void aResumedCheckKeepsItsOriginalDeadline() {
        RunHealthCheck command = command(CheckMode.WATCH, "/health", 0, 0, 3000);
        Instant startedAt = Instant.now().minusMillis(2000);
        Instant resumedAt = Instant.now();
        assertTrue(checks.resume(runningSince(command, startedAt, 3000)));

        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
        HealthCheckCompleted done = published.get(0);
        assertTrue(done.passed(), done.reason());
        assertEquals(command.meta().messageId(), done.meta().causationId());
        long fromStart = Duration.between(startedAt, publishedAt.get(0)).toMillis();
        long fromResume = Duration.between(resumedAt, publishedAt.get(0)).toMillis();
        assertTrue(fromStart >= 3000, "not before the original window's end: " + fromStart + " ms after its start");
        assertTrue(fromResume < 2800, "the window was not started again: " + fromResume + " ms after resuming");
    }

    @Test
    void aCheckWhoseDeadlinePassedDecidesAtItsFirstRound() {
        RunHealthCheck unhealthy = command(CheckMode.UNTIL_HEALTHY, "/down", 3, 5000, 0);
        RunHealthCheck watched = command(CheckMode.WATCH, "/health", 0, 0, 5000);
        Instant longAgo = Instant.now().minusSeconds(30);
        checks.resume(runningSince(unhealthy, longAgo, 5000));
        checks.resume(runningSince(watched, longAgo, 5000));

        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 2);
        HealthCheckCompleted failed = verdictOf(unhealthy);
        HealthCheckCompleted passed = verdictOf(watched);
        assertFalse(failed.passed());
        assertEquals(1, failed.rounds());
        assertTrue(passed.passed(), passed.reason());
        assertEquals(1, passed.rounds());
        assertEquals(2, probes.get());
    }

    @Test
    void aDoneRecordAnswersADuplicateWithTheRecordedVerdictAndRunsNothing() {
        RunHealthCheck command = command(CheckMode.UNTIL_HEALTHY, "/health", 1, 5000, 0);
        HealthCheckCompleted recorded = new HealthCheckCompleted(Meta.causedBy(command.meta()), command.target(),
                command.slot(), command.phase(), true, null, 1, List.of(new ProbeResult("/health", 200, 3, null)));
        assertFalse(checks.resume(WorkRecord.fromBytes(WorkRecord.done(command, recorded, Instant.now()).toBytes())));

        assertFalse(checks.submit(command), "a decided command does not run again");
        assertEquals(List.of(recorded), published, "its recorded verdict is published again, as it was");
        assertEquals(0, checks.runningCount());
        assertEquals(0, probes.get());
    }

    @Test
    void aReplacedRecordIsNeitherResumedNorAnswered() {
        RunHealthCheck command = command(CheckMode.UNTIL_HEALTHY, "/health", 1, 5000, 0);
        assertFalse(checks.resume(WorkRecord.replaced(command, Instant.now())));
        assertFalse(checks.submit(command));
        await().during(300, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS).until(published::isEmpty);
        assertEquals(0, probes.get());
    }

    @Test
    void aRouterSnapshotCheckpointReadsBackExactly() {
        String text = """
                cutover_router_requests_total{backend="canary",code="2xx"} 12
                cutover_router_errors_total{backend="canary"} 2
                cutover_router_request_duration_seconds_bucket{backend="canary",le="0.05"} 10
                cutover_router_request_duration_seconds_bucket{backend="canary",le="+Inf"} 12
                cutover_router_requests_total{backend="stable",code="2xx"} 30
                """;
        RouterSnapshot snapshot = RouterSnapshot.of(PrometheusText.parse(text), List.of("canary", "stable"));
        RouterSnapshot back = RouterSnapshot.fromJson(snapshot.toJson());
        assertEquals(snapshot, back);
        assertEquals(Map.of(), back.since(snapshot).entrySet().stream().filter(e -> e.getValue().requests() != 0)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    private HealthCheckCompleted verdictOf(RunHealthCheck command) {
        return published.stream().filter(e -> command.meta().messageId().equals(e.meta().causationId())).findFirst()
                .orElseThrow();
    }
}
