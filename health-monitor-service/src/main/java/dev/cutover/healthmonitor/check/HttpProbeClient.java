package dev.cutover.healthmonitor.check;

import dev.cutover.events.HealthMonitorEvent.ProbeResult;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Probes with the JDK's non-blocking HttpClient; a probe passes on 2xx. */
public final class HttpProbeClient implements ProbeClient {

    private final HttpClient client;
    private final int excerptChars;

    public HttpProbeClient(Executor executor, int excerptChars) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        this.excerptChars = excerptChars;
    }

    @Override
    public CompletableFuture<ProbeResult> probe(URI baseUrl, String path, long timeoutMs) {
        long start = System.nanoTime();
        try {
            HttpRequest request = HttpRequest.newBuilder(url(baseUrl, path))
                    .timeout(Duration.ofMillis(timeoutMs))
                    .header("Accept", "application/json, text/plain, */*")
                    .GET().build();
            // the body of a passing probe is not needed: discard it
            HttpResponse.BodyHandler<String> body = info -> info.statusCode() / 100 == 2
                    ? HttpResponse.BodySubscribers.replacing("")
                    : HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
            return client.sendAsync(request, body)
                    // the request timeout covers the headers; this also bounds a body that trickles in
                    .orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                    .handle((response, failure) -> {
                        long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        if (failure == null) {
                            int status = response.statusCode();
                            return new ProbeResult(path, status, latencyMs,
                                    status / 100 == 2 ? null : "answered " + status + excerpt(response.body()));
                        }
                        return new ProbeResult(path, 0, latencyMs, describe(unwrap(failure), timeoutMs));
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new ProbeResult(path, 0, 0, "failed: " + e.getMessage()));
        }
    }

    static URI url(URI base, String path) {
        String b = base.toString();
        return URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) + path : b + path);
    }

    private String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String flat = body.strip().replaceAll("\\s+", " ");
        return ": " + (flat.length() > excerptChars ? flat.substring(0, excerptChars) + "..." : flat);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable failure, long timeoutMs) {
        if (failure instanceof HttpTimeoutException || failure instanceof TimeoutException) {
            return "timed out after " + timeoutMs + " ms";
        }
        if (failure instanceof ConnectException) {
            // the JDK reports a refused connection as a ConnectException without a message
            String message = failure.getMessage();
            return message == null || message.isBlank() || message.toLowerCase().contains("refused")
                    ? "connection refused" : "connection failed: " + message;
        }
        String message = failure.getMessage();
        return "failed: " + failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
