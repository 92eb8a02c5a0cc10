package dev.cutover.events.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One serial lane per target: the records of a target are handled one at a time in arrival order, while a slow one
 * of one target does not hold up the others. A consumer hands each record to its target's lane and acknowledges it
 * when its lane has run it; with the throttled commit strategy only offsets below the oldest unfinished record are
 * committed, so a crash loses nothing.
 */
public final class TargetLanes implements AutoCloseable {

    private final ExecutorService pool;
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();

    /** @param threadName the lanes' threads are named {@code <threadName>-<n>} */
    public TargetLanes(String threadName) {
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code work} after everything submitted before for {@code key}; completes when it has run. */
    public synchronized CompletableFuture<Void> submit(String key, Runnable work) {
        CompletableFuture<Void> previous = tails.getOrDefault(key, CompletableFuture.completedFuture(null));
        CompletableFuture<Void> next = previous.handle((v, e) -> null).thenRunAsync(work, pool);
        tails.put(key, next);
        next.whenComplete((v, e) -> {
            synchronized (this) {
                tails.remove(key, next);
            }
        });
        return next;
    }

    /** Work not run yet is abandoned: a consumer's unacknowledged records are delivered again after a restart. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
