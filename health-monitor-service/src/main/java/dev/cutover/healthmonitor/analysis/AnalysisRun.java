package dev.cutover.healthmonitor.analysis;

import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorEvent.ProbeResult;
import dev.cutover.healthmonitor.analysis.AnalysisJudge.Decision;
import dev.cutover.healthmonitor.analysis.AnalysisJudge.Health;
import dev.cutover.healthmonitor.analysis.AnalysisJudge.Observation;
import dev.cutover.healthmonitor.check.ProbeClient;
import dev.cutover.healthmonitor.check.ScheduledRun;
import dev.cutover.healthmonitor.check.Round;
import dev.cutover.healthmonitor.metrics.provider.MetricProvider;
import dev.cutover.healthmonitor.metrics.provider.MetricWindow;
import dev.cutover.healthmonitor.metrics.provider.MetricsUnavailableException;
import dev.cutover.healthmonitor.metrics.provider.SlotMetrics;
import dev.cutover.healthmonitor.work.WorkRecord.Phase;
import dev.cutover.healthmonitor.work.WorkRecord.Window;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Drives one analysis asynchronously: opens the metric window on both slots, then every {@code probeIntervalMs}
 * probes the canary's health paths and reads the window so far, both in parallel; absolute triggers end it early,
 * the window's end decides (extended while either side lacks {@code minSamples}). No thread waits on I/O; a tick
 * lands exactly on the window's end rather than up to one interval after it.
 *
 * <p>With a warm-up ({@code spec.warmupMs}), a first window covers the warm-up, where only health and the
 * absolute triggers can end the analysis; then the comparison window is opened afresh, so a cold start's slow
 * first requests never count against the canary in the relative rules.
 *
 * <p>Restarts: the run's clock starts at an absolute {@code startedAt}, and every window it opens is told to the
 * {@link WindowListener} with its start and the provider's checkpoint. A run built with a recorded {@link Window}
 * re-reads that window from the checkpoint (for the router: its cumulative per-backend counters at the window's
 * start) and keeps the window's absolute end; without one it opens a fresh window but still ends where the
 * original would have. Extensions and health-failure streaks are not recorded: a resumed run past its window's
 * end decides at once on the whole window, extending (one tick at a time) only while data is short.
 */
public final class AnalysisRun extends ScheduledRun {

    private static final Logger LOG = Logger.getLogger(AnalysisRun.class);

    /** Told once, when the verdict is decided (never after {@link #cancel()}). */
    public interface Listener {
        void onDone(Decision decision, long durationMs);
    }

    /** Told when a metric window opened (not when a recorded one is resumed), before the first read of it. */
    public interface WindowListener {
        void onWindow(Window window);

        WindowListener NONE = window -> {
        };
    }

    private final RunAnalysis command;
    private final AnalysisSpec spec;
    private final MetricProvider provider;
    private final ProbeClient probes;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoTime;
    private final AnalysisJudge judge;
    private final long probeTimeoutMs;
    private final Listener listener;
    private final boolean probed;
    private final Instant startedAt;
    private final Window resumeWindow;
    private final Clock clock;
    private final WindowListener windowListener;

    private long startNanos;
    private Instant phaseStart;
    private MetricWindow window;
    private Map<String, SlotMetrics> lastMetrics = Map.of();
    private String lastReadError;
    private int failedInARow;
    private String lastFailure;
    private int extensions;
    private boolean warmingUp;

    public AnalysisRun(RunAnalysis command, MetricProvider provider, ProbeClient probes, ScheduledExecutorService scheduler,
                       LongSupplier nanoTime, double latencyMinDifferenceMs, long probeTimeoutMs, Listener listener) {
        this(command, provider, probes, scheduler, nanoTime, latencyMinDifferenceMs, probeTimeoutMs, listener, null,
                null, Clock.systemUTC(), WindowListener.NONE);
    }

    /**
     * A run whose time counts from {@code startedAt} (null: from {@link #start()}) and which, given a recorded
     * {@code window}, resumes that window instead of opening one.
     */
    public AnalysisRun(RunAnalysis command, MetricProvider provider, ProbeClient probes, ScheduledExecutorService scheduler,
                       LongSupplier nanoTime, double latencyMinDifferenceMs, long probeTimeoutMs, Listener listener,
                       Instant startedAt, Window window, Clock clock, WindowListener windowListener) {
        this.startedAt = startedAt;
        this.resumeWindow = window;
        this.clock = clock;
        this.windowListener = windowListener;
        this.command = command;
        this.spec = command.spec();
        this.provider = provider;
        this.probes = probes;
        this.scheduler = scheduler;
        this.nanoTime = nanoTime;
        this.judge = new AnalysisJudge(spec, command.canaryWeight(), latencyMinDifferenceMs);
        this.probeTimeoutMs = Math.min(probeTimeoutMs, Math.max(100, spec.probeIntervalMs()));
        this.listener = listener;
        this.probed = command.canaryUrl() != null && spec.healthPaths() != null && !spec.healthPaths().isEmpty();
    }

    @Override
    public RunAnalysis command() {
        return command;
    }

    public synchronized void start() {
        Instant now = clock.instant();
        List<String> slots = List.of(command.canarySlot(), command.baselineSlot());
        if (resumeWindow != null) {
            warmingUp = resumeWindow.phase() == Phase.WARMUP;
            clockFrom(resumeWindow.start(), now);
            provider.resume(command.target(), command.metricsUrl(), slots, resumeWindow.checkpoint())
                    .whenComplete((window, failure) -> opened(window, failure, false));
            return;
        }
        Instant begin = startedAt == null ? now : startedAt;
        warmingUp = spec.warmup() > 0;
        if (warmingUp && !now.isBefore(begin.plusMillis(spec.warmup()))) {
            warmingUp = false; // resumed after the warm-up ended: the comparison window runs from its original start
            begin = begin.plusMillis(spec.warmup());
        }
        clockFrom(begin, now);
        provider.open(command.target(), command.metricsUrl(), slots).whenComplete(this::opened);
    }

    /** The run's clock reads the time since {@code begin} (wall clock), whatever {@code nanoTime}'s origin. */
    private void clockFrom(Instant begin, Instant now) {
        phaseStart = begin;
        startNanos = nanoTime.getAsLong() - TimeUnit.MILLISECONDS.toNanos(Math.max(0, Duration.between(begin, now).toMillis()));
    }

    private void opened(MetricWindow opened, Throwable failure) {
        opened(opened, failure, true);
    }

    private void opened(MetricWindow opened, Throwable failure, boolean fresh) {
        Window record = null;
        Decision done = null;
        synchronized (this) {
            if (finished) {
                return;
            }
            if (failure != null) {
                done = finish(judge.unreadable(message(failure), observation()));
            } else {
                window = opened;
                if (fresh) {
                    record = new Window(warmingUp ? Phase.WARMUP : Phase.COMPARISON, phaseStart, opened.checkpoint());
                }
            }
        }
        if (record != null) {
            windowListener.onWindow(record); // durable before the first read counts anything
        }
        synchronized (this) {
            if (!finished && done == null) {
                schedule(0);
            }
        }
        report(done);
    }

    private void tick() {
        synchronized (this) {
            if (finished) {
                return;
            }
        }
        long tickStart = nanoTime.getAsLong();
        CompletableFuture<Round> health = probed ? probeAll() : CompletableFuture.completedFuture(null);
        CompletableFuture<Object> read = window.read().handle((metrics, failure) -> failure == null ? metrics : failure);
        CompletableFuture.allOf(health, read).whenComplete((ignored, failure) -> {
            Decision done;
            synchronized (this) {
                done = afterTick(tickStart, health.join(), read.join());
            }
            report(done);
        });
    }

    private CompletableFuture<Round> probeAll() {
        URI base = URI.create(command.canaryUrl());
        List<CompletableFuture<ProbeResult>> results = spec.healthPaths().stream()
                .map(path -> probes.probe(base, path, probeTimeoutMs)).toList();
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(v -> new Round(results.stream().map(CompletableFuture::join).toList()));
    }

    /** One step of the analysis, under the lock; returns the decision when it ends, else null. */
    @SuppressWarnings("unchecked")
    private Decision afterTick(long tickStart, Round round, Object read) {
        if (finished) {
            return null;
        }
        if (round != null) {
            if (round.passed()) {
                failedInARow = 0;
            } else {
                failedInARow++;
                lastFailure = round.failure();
            }
        }
        if (read instanceof Map<?, ?> metrics) {
            lastMetrics = (Map<String, SlotMetrics>) metrics;
            lastReadError = null;
        } else {
            lastReadError = message((Throwable) read);
            LOG.debugf("Analysis of deployment %s: metrics read failed (%s)", command.meta().deploymentId(), lastReadError);
        }
        Observation now = observation();
        var early = judge.early(now);
        if (early.isPresent()) {
            return finish(early.get());
        }
        if (warmingUp) {
            return afterWarmupTick(tickStart);
        }
        if (now.elapsedMs() >= deadlineMs()) {
            if (lastReadError != null) {
                return finish(judge.unreadable(lastReadError, now));
            }
            if (judge.enoughData(now) || extensions >= spec.maxExtensions()) {
                return finish(judge.complete(now));
            }
            extensions++;
            LOG.infof("Extending analysis of deployment %s target %s step %d by %d ms (%d of %d): canary %d, baseline %d"
                            + " requests, %d needed", command.meta().deploymentId(), command.target(), command.step(),
                    spec.extensionMs(), extensions, spec.maxExtensions(), now.canary().requests(),
                    now.baseline().requests(), spec.minSamples());
        }
        long elapsedInTick = TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - tickStart);
        long untilDeadline = deadlineMs() - elapsedMs();
        schedule(Math.max(0, Math.min(spec.probeIntervalMs() - elapsedInTick, untilDeadline)));
        return null;
    }

    /** During the warm-up nothing but the early triggers decides; at its end the comparison window opens. */
    private Decision afterWarmupTick(long tickStart) {
        long untilEnd = spec.warmup() - elapsedMs();
        if (untilEnd > 0) {
            long elapsedInTick = TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - tickStart);
            schedule(Math.max(0, Math.min(spec.probeIntervalMs() - elapsedInTick, untilEnd)));
            return null;
        }
        warmingUp = false;
        LOG.infof("Analysis of deployment %s target %s step %d: warm-up of %d ms over (canary %d requests), comparison"
                        + " window opens", command.meta().deploymentId(), command.target(), command.step(), spec.warmup(),
                observation().canary().requests());
        provider.open(command.target(), command.metricsUrl(), List.of(command.canarySlot(), command.baselineSlot()))
                .whenComplete(this::comparisonOpened);
        return null;
    }

    /** The comparison window after a warm-up: its numbers and its clock start now. */
    private void comparisonOpened(MetricWindow opened, Throwable failure) {
        synchronized (this) {
            if (!finished && failure == null) {
                clockFrom(clock.instant(), clock.instant());
                lastMetrics = Map.of(); // health failures in a row keep counting across the warm-up
            }
        }
        opened(opened, failure);
    }

    private long deadlineMs() {
        return spec.windowMs() + extensions * spec.extensionMs();
    }

    private long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - startNanos);
    }

    private Observation observation() {
        return new Observation(lastMetrics.getOrDefault(command.canarySlot(), SlotMetrics.EMPTY),
                lastMetrics.getOrDefault(command.baselineSlot(), SlotMetrics.EMPTY),
                probed ? new Health(true, failedInARow, lastFailure) : Health.NOT_PROBED, elapsedMs(), extensions);
    }

    private void schedule(long delayMs) {
        try {
            next = scheduler.schedule(this::tick, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            finished = true; // shutting down: the analysis is abandoned, the command will be redelivered
        }
    }

    private Decision finish(Decision decision) {
        finished = true;
        return decision;
    }

    /** Outside the lock: the listener takes the registry's lock, and the registry takes ours to cancel. */
    private void report(Decision done) {
        if (done != null) {
            listener.onDone(done, done.record().windowMs());
        }
    }

    private static String message(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof MetricsUnavailableException ? t.getMessage()
                : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
