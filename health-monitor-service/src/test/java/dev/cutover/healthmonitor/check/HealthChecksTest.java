package dev.cutover.healthmonitor.check;

import dev.cutover.events.HealthMonitorCommand.CheckMode;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.HealthMonitorEvent.ProbeResult;
import dev.cutover.events.InvalidMessageException;
import dev.cutover.events.Meta;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dedupe, replacement, the published event and metrics, with a scripted probe client (no HTTP). */
class HealthChecksTest {

    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<HealthCheckCompleted> published = new CopyOnWriteArrayList<>();
    /** Paths containing "down" answer 503, others 200. */
    final ProbeClient client = (URI base, String path, long timeoutMs) -> CompletableFuture.completedFuture(
            path.contains("down") ? new ProbeResult(path, 503, 1, "answered 503") : new ProbeResult(path, 200, 1, null));
    final HealthChecks checks = new HealthChecks(client, scheduler, registry, published::add, 100);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void publishesTheVerdictCausedByTheCommand() {
        RunHealthCheck command = HealthCheckRunTest.command("http://127.0.0.1:1", CheckMode.UNTIL_HEALTHY,
                HealthCheckRunTest.spec(List.of("/health", "/ready"), 100, 2, 5000, 0, 0));
        assertTrue(checks.submit(command));
        await().atMost(5, TimeUnit.SECONDS).until(() -> published.size() == 1);

        HealthCheckCompleted event = published.get(0);
        assertEquals(command.meta().messageId(), event.meta().causationId());
        assertEquals(command.meta().deploymentId(), event.meta().deploymentId());
        assertEquals(command.target(), event.target());
        assertEquals("green", event.slot());
        assertEquals("pre-switch", event.phase());
        assertTrue(event.passed());
        assertEquals(2, event.rounds());
        assertEquals(2, event.lastProbes().size());
        assertEquals(0, checks.runningCount());
        assertEquals(4.0, registry.get("cutover.healthmonitor.probes").tag("path", "/health").tag("result", "pass")
                .counter().count() + registry.get("cutover.healthmonitor.probes").tag("path", "/ready")
                .tag("result", "pass").counter().count());
        assertEquals(1.0, registry.get("cutover.healthmonitor.checks").tag("phase", "pre-switch")
                .tag("outcome", "passed").counter().count());
        assertEquals(1, registry.get("cutover.healthmonitor.check.duration").tag("phase", "pre-switch").timer().count());
    }

    @Test
    void aCommandIdSeenBeforeIsIgnored() {
        RunHealthCheck command = HealthCheckRunTest.command("http://127.0.0.1:1", CheckMode.UNTIL_HEALTHY,
                HealthCheckRunTest.spec(List.of("/health"), 100, 1, 5000, 0, 0));
        assertTrue(checks.submit(command));
        await().atMost(5, TimeUnit.SECONDS).until(() -> published.size() == 1);
        assertFalse(checks.submit(command)); // done
        RunHealthCheck slow = HealthCheckRunTest.command("http://127.0.0.1:1", CheckMode.WATCH,
                HealthCheckRunTest.spec(List.of("/health"), 100, 0, 0, 60_000, 2));
        assertTrue(checks.submit(slow));
        assertFalse(checks.submit(slow)); // running
        assertEquals(1, checks.runningCount());
        checks.cancelAll();
    }

    @Test
    void aNewCommandForTheSameDeploymentAndPhaseReplacesTheRunningCheck() {
        RunHealthCheck first = HealthCheckRunTest.command("http://127.0.0.1:1", CheckMode.UNTIL_HEALTHY,
                HealthCheckRunTest.spec(List.of("/down"), 100, 1, 60_000, 0, 0));
        RunHealthCheck second = new RunHealthCheck(Meta.causedBy(first.meta()), first.target(), "green",
                first.baseUrl(), first.phase(), CheckMode.UNTIL_HEALTHY,
                HealthCheckRunTest.spec(List.of("/health"), 100, 1, 60_000, 0, 0));
        checks.submit(first);
        await().atMost(5, TimeUnit.SECONDS).until(() -> registry.find("cutover.healthmonitor.probes")
                .tag("result", "fail").counter() != null);
        checks.submit(second);
        await().atMost(5, TimeUnit.SECONDS).until(() -> published.size() == 1);
        await().during(200, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS).until(() -> published.size() == 1);
        assertEquals(second.meta().messageId(), published.get(0).meta().causationId());
        assertTrue(published.get(0).passed());
        assertEquals(0, checks.runningCount());
    }

    @Test
    void checksThatCannotRunAreInvalidMessages() {
        RunHealthCheck command = HealthCheckRunTest.command("http://127.0.0.1:1", CheckMode.WATCH,
                HealthCheckRunTest.spec(List.of("/health"), 100, 0, 0, 0, 0));
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> checks.submit(command));
        assertEquals("invalid dev.cutover.healthmonitor.run-health-check.v1: spec.failureThreshold must be at least 1; "
                + "spec.windowMs must be positive", e.getMessage());
    }

    @Test
    void unboundedLabelValuesAreReportedAsOther() {
        RunHealthCheck command = new RunHealthCheck(Meta.start("d-2"), new dev.cutover.events.Target("shop", "dev"),
                "blue", "http://127.0.0.1:1", "phase with spaces and " + "x".repeat(50), CheckMode.UNTIL_HEALTHY,
                HealthCheckRunTest.spec(List.of("/health?token=secret"), 100, 1, 5000, 0, 0));
        checks.submit(command);
        await().atMost(5, TimeUnit.SECONDS).until(() -> published.size() == 1);
        assertEquals(1.0, registry.get("cutover.healthmonitor.checks").tag("phase", "other").counter().count());
        assertEquals(1.0, registry.get("cutover.healthmonitor.probes").tag("path", "/health").counter().count());
    }
}
