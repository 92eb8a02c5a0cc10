package dev.cutover.healthmonitor.check;

import dev.cutover.events.HealthMonitorCommand.CheckMode;
import dev.cutover.events.HealthMonitorCommand.HealthCheckSpec;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.ProbeResult;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole checks against real local HTTP servers, with short intervals. */
class HealthCheckRunTest {

    ScheduledExecutorService scheduler;
    TestHttpServer server;

    @BeforeEach
    void start() throws Exception {
        scheduler = Executors.newScheduledThreadPool(2);
        server = new TestHttpServer()
                .answer("/health", 200, "{\"status\":\"UP\"}")
                .answer("/ready", 200, "ready")
                .answer("/down", 503, "{\"status\":\"DOWN\"}")
                .script("/flap", n -> n % 2 == 1 ? 200 : 503, "flap")
                .script("/degrades", n -> n <= 3 ? 200 : 503, "degraded")
                .slow("/slow", 3000)
                .slow("/slow-a", 300)
                .slow("/slow-b", 300);
    }

    @AfterEach
    void stop() {
        server.close();
        scheduler.shutdownNow();
    }

    @Test
    void untilHealthyPassesAfterConsecutiveSuccesses() throws Exception {
        Result r = run(server.baseUrl(), CheckMode.UNTIL_HEALTHY, spec(List.of("/health", "/ready"), 500, 3, 5000, 0, 0));
        assertTrue(r.verdict.passed());
        assertNull(r.verdict.reason());
        assertEquals(3, r.verdict.rounds());
        assertEquals(List.of("/health", "/ready"), r.verdict.lastProbes().stream().map(p -> p.path()).toList());
        assertEquals(6, r.probes.get());
    }

    @Test
    void untilHealthyFailsOn503WithTheBody() throws Exception {
        Result r = run(server.baseUrl(), CheckMode.UNTIL_HEALTHY, spec(List.of("/health", "/down"), 500, 2, 300, 0, 0));
        assertFalse(r.verdict.passed());
        ProbeResult down = r.verdict.lastProbes().get(1);
        assertEquals("/down", down.path());
        assertEquals(503, down.status());
        // the one wording check here: the probe keeps the body the instance answered with
        assertTrue(down.error().contains("{\"status\":\"DOWN\"}"), down.error());
        assertTrue(r.durationMs >= 300, "fails only when maxWaitMs is over: " + r.durationMs);
    }

    @Test
    void untilHealthyFailsOnTimeout() throws Exception {
        Result r = run(server.baseUrl(), CheckMode.UNTIL_HEALTHY, spec(List.of("/health", "/slow"), 200, 1, 500, 0, 0));
        assertFalse(r.verdict.passed());
        ProbeResult slow = r.verdict.lastProbes().get(1);
        assertEquals("/slow", slow.path());
        assertEquals(0, slow.status(), "no answer");
        assertTrue(slow.latencyMs() >= 200, "waited the 200 ms timeout: " + slow.latencyMs());
    }

    @Test
    void untilHealthyFailsOnConnectionRefused() throws Exception {
        Result r = run("http://127.0.0.1:" + TestHttpServer.closedPort(), CheckMode.UNTIL_HEALTHY,
                spec(List.of("/health"), 500, 1, 200, 0, 0));
        assertFalse(r.verdict.passed());
        ProbeResult refused = r.verdict.lastProbes().get(0);
        assertEquals("/health", refused.path());
        assertEquals(0, refused.status());
        // the one wording check here: no status, so only the probe's error tells refused from timed out
        assertTrue(refused.error().contains("connection refused"), refused.error());
    }

    @Test
    void flappingEndpointNeverReachesConsecutiveSuccesses() throws Exception {
        Result r = run(server.baseUrl(), CheckMode.UNTIL_HEALTHY, spec(List.of("/flap"), 500, 2, 600, 0, 0));
        assertFalse(r.verdict.passed());
        assertTrue(r.verdict.rounds() >= 3, "rounds " + r.verdict.rounds());
        assertEquals(List.of("/flap"), r.verdict.lastProbes().stream().map(ProbeResult::path).toList());
    }

    @Test
    void watchFailsMidWindowAtTheThreshold() throws Exception {
        Result r = run(server.baseUrl(), CheckMode.WATCH, spec(List.of("/degrades"), 500, 0, 0, 10_000, 2));
        assertFalse(r.verdict.passed());
        assertEquals(5, r.verdict.rounds()); // 3 passing rounds, then 2 failing in a row
        assertEquals(List.of("/degrades"), r.verdict.lastProbes().stream().map(ProbeResult::path).toList());
        assertEquals(503, r.verdict.lastProbes().get(0).status());
        assertTrue(r.durationMs < 10_000, "failed before the window ended: " + r.durationMs);
    }

    @Test
    void watchPassesWhenTheWindowEnds() throws Exception {
        Result r = run(server.baseUrl(), CheckMode.WATCH, spec(List.of("/health", "/ready"), 500, 0, 0, 400, 2));
        assertTrue(r.verdict.passed());
        assertTrue(r.durationMs >= 400, "ran the whole window: " + r.durationMs);
        assertTrue(r.verdict.rounds() >= 5, "rounds " + r.verdict.rounds());
    }

    @Test
    void probesOfARoundRunInParallel() throws Exception {
        Result r = run(server.baseUrl(), CheckMode.UNTIL_HEALTHY, spec(List.of("/slow-a", "/slow-b"), 2000, 1, 5000, 0, 0));
        assertTrue(r.verdict.passed());
        assertEquals(2, server.maxInFlight());
    }

    @Test
    void cancelledCheckNeverReports() throws Exception {
        CompletableFuture<Verdict> done = new CompletableFuture<>();
        AtomicInteger rounds = new AtomicInteger();
        HealthCheckRun run = new HealthCheckRun(command(server.baseUrl(), CheckMode.UNTIL_HEALTHY,
                spec(List.of("/down"), 500, 1, 60_000, 0, 0)), new HttpProbeClient(scheduler, 200), scheduler,
                System::nanoTime, listener(done, rounds));
        run.start();
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> rounds.get() >= 2);
        run.cancel();
        int seen = rounds.get();
        // a round in flight at cancel time may still finish; no more after that
        org.awaitility.Awaitility.await().during(300, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS)
                .until(() -> rounds.get() <= seen + 1);
        assertFalse(done.isDone());
    }

    private record Result(Verdict verdict, long durationMs, AtomicInteger probes) {
    }

    private Result run(String baseUrl, CheckMode mode, HealthCheckSpec spec) throws Exception {
        CompletableFuture<Verdict> done = new CompletableFuture<>();
        AtomicInteger probes = new AtomicInteger();
        long[] duration = new long[1];
        HealthCheckRun run = new HealthCheckRun(command(baseUrl, mode, spec), new HttpProbeClient(scheduler, 200),
                scheduler, System::nanoTime, new HealthCheckRun.Listener() {
            @Override
            public void onRound(Round round) {
                probes.addAndGet(round.probes().size());
            }

            @Override
            public void onDone(Verdict verdict, long durationMs) {
                duration[0] = durationMs;
                done.complete(verdict);
            }
        });
        run.start();
        Verdict verdict = done.get(20, TimeUnit.SECONDS);
        return new Result(verdict, duration[0], probes);
    }

    private static HealthCheckRun.Listener listener(CompletableFuture<Verdict> done, AtomicInteger rounds) {
        return new HealthCheckRun.Listener() {
            @Override
            public void onRound(Round round) {
                rounds.incrementAndGet();
            }

            @Override
            public void onDone(Verdict verdict, long durationMs) {
                done.complete(verdict);
            }
        };
    }

    static HealthCheckSpec spec(List<String> paths, long timeoutMs, int consecutive, long maxWaitMs, long windowMs,
                                int threshold) {
        return new HealthCheckSpec(paths, timeoutMs, 50, consecutive, maxWaitMs, windowMs, threshold);
    }

    static RunHealthCheck command(String baseUrl, CheckMode mode, HealthCheckSpec spec) {
        return new RunHealthCheck(Meta.start("d-1"), new Target("shop", "staging"), "green", baseUrl,
                mode == CheckMode.WATCH ? "post-switch" : "pre-switch", mode, spec);
    }
}
