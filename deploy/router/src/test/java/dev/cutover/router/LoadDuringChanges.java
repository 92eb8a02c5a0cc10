package dev.cutover.router;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * Requests sent without pause on a few threads while a test changes the router: every answer is recorded with when
 * its request was sent and answered, every change with when it was sent and done, so that the test can check what the
 * requests between two changes saw.
 *
 * @param <T> what one request records
 */
final class LoadDuringChanges<T> {

    /** One request: sent and answered at these {@link System#nanoTime()}s, with its answer, or how it failed. */
    record Request<T>(long startNanos, long endNanos, T answer, Throwable failure) {
    }

    /** Something the test changes, e.g. a PUT to the admin API. */
    interface Change {
        void make() throws Exception;
    }

    private final ConcurrentLinkedQueue<Request<T>> requests = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> workers = new ArrayList<>();
    private final List<long[]> changes = new ArrayList<>(); // {sent, done}

    private LoadDuringChanges() {
    }

    /** Starts {@code threads} threads ("load-0", ...), each sending {@code request} again and again. */
    static <T> LoadDuringChanges<T> start(int threads, Callable<T> request) {
        LoadDuringChanges<T> load = new LoadDuringChanges<>();
        for (int w = 0; w < threads; w++) {
            Thread worker = new Thread(() -> {
                while (load.running.get()) {
                    long start = System.nanoTime();
                    try {
                        T answer = request.call();
                        load.requests.add(new Request<>(start, System.nanoTime(), answer, null));
                    } catch (Exception e) {
                        load.requests.add(new Request<>(start, System.nanoTime(), null, e));
                    }
                }
            }, "load-" + w);
            worker.start();
            load.workers.add(worker);
        }
        return load;
    }

    /** Makes {@code change}, then awaits (20 s at most) {@code requestsAfter} requests sent after it was done. */
    void change(Change change, int requestsAfter) throws Exception {
        long sent = System.nanoTime();
        change.make();
        long done = System.nanoTime();
        changes.add(new long[] {sent, done});
        await().atMost(Duration.ofSeconds(20))
                .until(() -> requests.stream().filter(r -> r.startNanos() > done).count() >= requestsAfter);
    }

    /** Stops sending and waits (10 s at most per thread) for the requests under way. */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread worker : workers) {
            worker.join(10_000);
        }
    }

    /** Every request so far. */
    List<Request<T>> requests() {
        return new ArrayList<>(requests);
    }

    /** How many changes were made. */
    int changes() {
        return changes.size();
    }

    /**
     * The requests sent after change {@code i} was done and answered before change {@code i + 1} was sent (after
     * the last change: answered at any time).
     */
    List<Request<T>> between(int i) {
        long from = changes.get(i)[1];
        long until = i + 1 < changes.size() ? changes.get(i + 1)[0] : Long.MAX_VALUE;
        return requests.stream().filter(r -> r.startNanos() > from && r.endNanos() < until).toList();
    }

    /** The requests sent after change {@code i} was done. */
    List<Request<T>> after(int i) {
        long from = changes.get(i)[1];
        return requests.stream().filter(r -> r.startNanos() > from).toList();
    }

    /** The requests that failed or whose answer does not pass {@code ok}. */
    List<Request<T>> failed(Predicate<T> ok) {
        return requests.stream().filter(r -> r.failure() != null || !ok.test(r.answer())).toList();
    }
}
