package dev.cutover.rollback.watch;

import dev.cutover.events.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs watches on a small scheduler of its own, so step intervals never hold a Kafka consumer thread.
 * Probes run back to back with {@code probeInterval} between them (never overlapping); the interval timer
 * and the probes race, and whichever finishes the watch first wins. Holds no lock while calling a listener
 * (the saga calls {@link #start} under its own lock).
 */
public class ScheduledStableWatch implements StableWatch, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ScheduledStableWatch.class);

    private final Consumer<List<Message>> publish;
    private final StableHealthProbe probe;
    private final Duration probeInterval;
    private final int failuresToHalt;
    private final ScheduledExecutorService timers;
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    /** @param publish publishes what a listener returns (blocking until acknowledged is fine here) */
    public ScheduledStableWatch(Consumer<List<Message>> publish, StableHealthProbe probe, Duration probeInterval,
                                int failuresToHalt) {
        this.publish = publish;
        this.probe = probe;
        this.probeInterval = probeInterval;
        this.failuresToHalt = failuresToHalt;
        this.timers = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "rollback-stable-watch");
            t.setDaemon(true);
            return t;
        });
    }

    private static final class Running {
        final Watch watch;
        final Listener listener;
        final AtomicBoolean active = new AtomicBoolean(true);
        volatile ScheduledFuture<?> timer;
        volatile ScheduledFuture<?> nextProbe;
        int failures; // touched by one probe chain at a time

        Running(Watch watch, Listener listener) {
            this.watch = watch;
            this.listener = listener;
        }
    }

    @Override
    public void start(Watch watch, Listener listener) {
        Running r = new Running(watch, listener);
        running.put(watch.id(), r);
        r.timer = timers.schedule(() -> finish(r, listener::elapsed), watch.interval().toMillis(), TimeUnit.MILLISECONDS);
        if (watch.healthUrl() != null) {
            r.nextProbe = timers.schedule(() -> probe(r), 0, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void cancel(String watchId) {
        Running r = running.remove(watchId);
        if (r != null && r.active.compareAndSet(true, false)) {
            stopTimers(r);
        }
    }

    public int active() {
        return running.size();
    }

    private void probe(Running r) {
        if (!r.active.get()) {
            return;
        }
        probe.probe(r.watch.healthUrl()).whenCompleteAsync((problem, error) -> {
            if (!r.active.get()) {
                return;
            }
            Optional<String> seen = error != null ? Optional.of(String.valueOf(error)) : problem;
            if (seen.isEmpty()) {
                r.failures = 0;
            } else if (++r.failures >= failuresToHalt) {
                String observed = r.failures + " probes in a row failed, last: " + seen.get();
                finish(r, () -> r.listener.unhealthy(observed));
                return;
            } else {
                LOG.infof("Rollback of %s (deployment %s): stable probe failed (%s), %d of %d", r.watch.target(),
                        r.watch.deploymentId(), seen.get(), r.failures, failuresToHalt);
            }
            r.nextProbe = timers.schedule(() -> probe(r), probeInterval.toMillis(), TimeUnit.MILLISECONDS);
        }, timers);
    }

    private void finish(Running r, Supplier<List<Message>> outcome) {
        if (!r.active.compareAndSet(true, false)) {
            return;
        }
        running.remove(r.watch.id());
        stopTimers(r);
        try {
            publish.accept(outcome.get());
        } catch (RuntimeException e) {
            // the saga's deadline fails the rollback if its next command never went out
            LOG.errorf(e, "Rollback of %s (deployment %s): cannot continue after the step interval", r.watch.target(),
                    r.watch.deploymentId());
        }
    }

    private static void stopTimers(Running r) {
        ScheduledFuture<?> timer = r.timer;
        ScheduledFuture<?> next = r.nextProbe;
        if (timer != null) {
            timer.cancel(false);
        }
        if (next != null) {
            next.cancel(false);
        }
    }

    @Override
    public void close() {
        running.keySet().forEach(this::cancel);
        timers.shutdownNow();
    }
}
