package dev.cutover.provisioner.provisioning;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One serial lane per target: commands of a target run one at a time in arrival order, while a slow
 * start of one target does not hold up the others.
 */
@Singleton
public class TargetLanes {

    private final ExecutorService pool;
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();

    public TargetLanes() {
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "provisioner-lane-" + n.incrementAndGet());
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

    @PreDestroy
    void close() {
        // in-flight work is abandoned, never the processes it started: they are on record in the registry
        pool.shutdownNow();
    }
}
