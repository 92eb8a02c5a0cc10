package dev.cutover.healthmonitor.analysis;

import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.healthmonitor.analysis.AnalysisJudge.Decision;
import dev.cutover.healthmonitor.check.ProbeClient;
import dev.cutover.healthmonitor.metrics.provider.MetricProvider;
import dev.cutover.healthmonitor.metrics.provider.MetricWindow;
import dev.cutover.healthmonitor.metrics.provider.SlotMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The warm-up before the comparison window, with a scripted metric source: the first window opened sees a cold
 * canary (slow, or failing), every later window a warm one.
 */
class AnalysisWarmupTest {

    static final SlotMetrics BASELINE = new SlotMetrics(400, 0, 10);

    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    final ProbeClient noProbes = (base, path, timeoutMs) -> fail("no health paths in these specs");

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** Opens count from 1; window n reads canary {@code first} for n = 1, else {@code later}. */
    static final class ScriptedProvider implements MetricProvider {
        final AtomicInteger opened = new AtomicInteger();
        final SlotMetrics first;
        final SlotMetrics later;

        ScriptedProvider(SlotMetrics first, SlotMetrics later) {
            this.first = first;
            this.later = later;
        }

        @Override
        public CompletableFuture<MetricWindow> open(Target target, String metricsUrl, List<String> slots) {
            SlotMetrics canary = opened.incrementAndGet() == 1 ? first : later;
            return CompletableFuture.completedFuture(
                    () -> CompletableFuture.completedFuture(Map.of("canary", canary, "stable", BASELINE)));
        }

        @Override
        public String name() {
            return "scripted";
        }
    }

    static AnalysisSpec spec(long warmupMs) {
        return new AnalysisSpec(400, 50, 20, 0, 0, InsufficientDataPolicy.FAIL, 1.5, 1.2, 0.8, 0.05, 2000, null, 2,
                warmupMs);
    }

    Decision run(ScriptedProvider provider, AnalysisSpec spec) {
        RunAnalysis command = new RunAnalysis(Meta.start("d-warmup"), new Target("shop", "test"), "canary", "stable",
                0, 50, "http://unused", null, spec);
        AtomicReference<Decision> done = new AtomicReference<>();
        new AnalysisRun(command, provider, noProbes, scheduler, System::nanoTime, 50, 1000,
                (decision, durationMs) -> done.set(decision)).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() != null);
        return done.get();
    }

    /** A fresh canary: slow (p95 300 ms) in the first window opened, as fast as the baseline (11 ms) after. */
    static ScriptedProvider coldCanary() {
        return new ScriptedProvider(new SlotMetrics(400, 0, 300), new SlotMetrics(400, 0, 11));
    }

    static void assertDecided(Decision d, Verdict verdict, String firedRule) {
        assertEquals(verdict, d.verdict(), d.record().summary());
        assertEquals(firedRule, d.record().firedRule(), d.record().summary());
    }

    @Test
    void withoutWarmupAColdCanaryFailsTheRelativeLatencyRule() {
        ScriptedProvider provider = coldCanary();
        Decision d = run(provider, spec(0));
        assertDecided(d, Verdict.FAIL, Rule.P95_RELATIVE.wire());
        assertEquals(1, provider.opened.get());
    }

    @Test
    void theWarmupsSlowRequestsDoNotCountInTheComparison() {
        ScriptedProvider provider = coldCanary();
        Decision d = run(provider, spec(300));
        assertDecided(d, Verdict.PASS, null);
        assertEquals(2, provider.opened.get(), "a fresh comparison window after the warm-up");
        assertEquals(11.0, d.record().canary().p95Ms());
        assertTrue(d.record().windowMs() >= 400 && d.record().windowMs() < 700,
                "the window's clock starts after the warm-up: " + d.record().windowMs());
    }

    @Test
    void absoluteTriggersStillEndTheAnalysisDuringTheWarmup() {
        ScriptedProvider provider = new ScriptedProvider(new SlotMetrics(400, 200, 12), new SlotMetrics(400, 0, 11));
        Decision d = run(provider, spec(5000));
        assertDecided(d, Verdict.FAIL, Rule.ERROR_RATE_ABSOLUTE.wire());
        assertEquals(1, provider.opened.get(), "decided inside the warm-up");
        assertTrue(d.record().windowMs() < 5000, "did not wait for the warm-up's end: " + d.record().windowMs());
    }
}
