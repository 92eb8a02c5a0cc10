package dev.cutover.healthmonitor.metrics.provider;

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
import java.util.concurrent.TimeUnit;

/** The one non-blocking GET both providers need: the body of a 2xx answer, or a readable failure. */
final class HttpGet {

    private final HttpClient client;
    private final long timeoutMs;

    HttpGet(HttpClient client, long timeoutMs) {
        this.client = client;
        this.timeoutMs = timeoutMs;
    }

    CompletableFuture<String> body(URI url) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofMillis(timeoutMs)).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .handle((response, failure) -> {
                    if (failure != null) {
                        throw new MetricsUnavailableException("GET " + url + " " + describe(failure));
                    }
                    if (response.statusCode() / 100 != 2) {
                        String body = response.body() == null ? "" : response.body().strip();
                        throw new MetricsUnavailableException("GET " + url + " answered " + response.statusCode()
                                + (body.isEmpty() ? "" : ": " + (body.length() > 200 ? body.substring(0, 200) + "..." : body)));
                    }
                    return response.body();
                });
    }

    private String describe(Throwable failure) {
        while (failure instanceof CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure instanceof HttpTimeoutException || failure instanceof java.util.concurrent.TimeoutException) {
            return "timed out after " + timeoutMs + " ms";
        }
        if (failure instanceof ConnectException) {
            return "failed: connection refused";
        }
        return "failed: " + failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }

    static URI join(String base, String path) {
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    /** Failures of a stage as the provider's own exception, whatever wrapped them. */
    static MetricsUnavailableException unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof MetricsUnavailableException m ? m
                : new MetricsUnavailableException("metrics unreadable: " + t.getClass().getSimpleName() + ": " + t.getMessage(), t);
    }
}
