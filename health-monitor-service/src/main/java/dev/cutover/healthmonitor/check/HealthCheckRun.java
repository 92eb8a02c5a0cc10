package dev.cutover.healthmonitor.check;

import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.ProbeResult;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Drives one check asynchronously: a round probes all paths in parallel, the next round starts
 * {@code intervalMs} after the previous one started (at once if it took longer). No thread waits on I/O.
 * Its clock starts at an absolute {@code startedAt}: a check resumed after a restart keeps its original
 * {@code maxWaitMs} / {@code windowMs} end (its streaks start again from zero), and one whose end has passed
 * decides at its first round.
 */
public final class HealthCheckRun extends ScheduledRun {

    /** Told about every round and, once, about the verdict. */
    public interface Listener {
        void onRound(Round round);

        void onDone(Verdict verdict, long durationMs);
    }

    private final RunHealthCheck command;
    private final ProbeClient client;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoTime;
    private final Listener listener;
    private final CheckProgress progress;
    private final URI baseUrl;
    private final Instant startedAt;
    private final Clock clock;
    private long startNanos;

    public HealthCheckRun(RunHealthCheck command, ProbeClient client, ScheduledExecutorService scheduler,
                          LongSupplier nanoTime, Listener listener) {
        this(command, client, scheduler, nanoTime, listener, null, Clock.systemUTC());
    }

    /** A run whose time counts from {@code startedAt} on {@code clock} (null: from {@link #start()}). */
    public HealthCheckRun(RunHealthCheck command, ProbeClient client, ScheduledExecutorService scheduler,
                          LongSupplier nanoTime, Listener listener, Instant startedAt, Clock clock) {
        this.startedAt = startedAt;
        this.clock = clock;
        this.command = command;
        this.client = client;
        this.scheduler = scheduler;
        this.nanoTime = nanoTime;
        this.listener = listener;
        this.progress = new CheckProgress(command.mode(), command.spec());
        this.baseUrl = URI.create(command.baseUrl());
    }

    @Override
    public RunHealthCheck command() {
        return command;
    }

    public synchronized void start() {
        long alreadyMs = startedAt == null ? 0 : Math.max(0, Duration.between(startedAt, clock.instant()).toMillis());
        startNanos = nanoTime.getAsLong() - TimeUnit.MILLISECONDS.toNanos(alreadyMs);
        next = scheduler.schedule(this::round, 0, TimeUnit.MILLISECONDS);
    }

    private void round() {
        synchronized (this) {
            if (finished) {
                return;
            }
        }
        long roundStart = nanoTime.getAsLong();
        List<CompletableFuture<ProbeResult>> probes = command.spec().paths().stream()
                .map(path -> client.probe(baseUrl, path, command.spec().timeoutMs()))
                .toList();
        CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new))
                .whenComplete((ignored, failure) -> afterRound(roundStart,
                        probes.stream().map(CompletableFuture::join).toList()));
    }

    private void afterRound(long roundStart, List<ProbeResult> results) {
        Verdict done;
        long elapsedMs;
        synchronized (this) {
            if (finished) {
                return;
            }
            Round round = new Round(results);
            listener.onRound(round);
            long now = nanoTime.getAsLong();
            elapsedMs = TimeUnit.NANOSECONDS.toMillis(now - startNanos);
            done = progress.onRound(round, elapsedMs).orElse(null);
            if (done == null) {
                scheduleNext(now, roundStart);
                return;
            }
            finished = true;
        }
        // outside the lock: the listener takes the registry's lock, and the registry takes ours to cancel
        listener.onDone(done, elapsedMs);
    }

    private void scheduleNext(long now, long roundStart) {
        long delay = Math.max(0, command.spec().intervalMs() - TimeUnit.NANOSECONDS.toMillis(now - roundStart));
        try {
            next = scheduler.schedule(this::round, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            finished = true; // shutting down: the check is abandoned, the command will be redelivered
        }
    }
}
