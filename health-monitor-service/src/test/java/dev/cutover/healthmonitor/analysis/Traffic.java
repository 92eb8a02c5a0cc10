package dev.cutover.healthmonitor.analysis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * Real user traffic: {@code concurrency} clients each sending GETs back to back until stopped or until
 * {@code maxRequests} have been sent in all - a bounded loop, no sleeps.
 */
public final class Traffic implements AutoCloseable {

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final HttpClient client = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(2)).build();
    private final URI url;
    private final long maxRequests;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicInteger inflight = new AtomicInteger();

    private Traffic(URI url, long maxRequests) {
        this.url = url;
        this.maxRequests = maxRequests;
    }

    public static Traffic start(URI url, int concurrency, long maxRequests) {
        Traffic traffic = new Traffic(url, maxRequests);
        for (int i = 0; i < concurrency; i++) {
            traffic.next();
        }
        return traffic;
    }

    public long completed() {
        return completed.get();
    }

    private void next() {
        if (stopped.get() || sent.incrementAndGet() > maxRequests) {
            return;
        }
        inflight.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build();
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            completed.incrementAndGet();
            inflight.decrementAndGet();
            next();
        });
    }

    /** Stops sending and waits for the requests in flight. */
    @Override
    public void close() {
        stopped.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> inflight.get() == 0);
        executor.shutdownNow();
    }
}
