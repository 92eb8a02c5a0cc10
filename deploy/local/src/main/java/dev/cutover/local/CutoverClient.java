package dev.cutover.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A Cutover service's REST API, as CI or an operator would call it: with {@code Authorization: Bearer <token>} when
 * made with a token (the services refuse calls without one; routers' admin APIs need none).
 */
public final class CutoverClient {

    public static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "ROLLED_BACK");

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;
    private final Supplier<String> token;

    /** Without a token (a router's admin API, or to see a service refuse). */
    public CutoverClient(URI base) {
        this(base, () -> null);
    }

    /** Sends the supplier's token on every call (asked each time, so a refreshed token is used). */
    public CutoverClient(URI base, Supplier<String> token) {
        this.base = base;
        this.token = token;
    }

    /** The same API with another bearer token ({@code null}: none). */
    public CutoverClient withToken(String bearer) {
        return new CutoverClient(base, () -> bearer);
    }

    public record Response(int status, String contentType, JsonNode body) {
    }

    /** The body of POST /deployments for {@code version} of {@code application} in {@code environment}. */
    public static Map<String, Object> deploymentRequest(String application, String environment, String version,
                                                        String artifact, String strategy, Map<String, ?> overrides) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("application", application);
        request.put("environment", environment);
        request.put("version", version);
        request.put("artifact", artifact);
        request.put("strategy", strategy);
        request.put("overrides", overrides);
        return request;
    }

    /** POST /deployments; the request is a map so tests can send anything, invalid fields included. */
    public Response deploy(Map<String, ?> request) {
        try {
            return post("/deployments", JSON.writeValueAsString(request));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Response post(String path, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public JsonNode deployment(String id) {
        Response response = send(HttpRequest.newBuilder(base.resolve("/deployments/" + id)).GET());
        return response.status() == 200 ? response.body() : null;
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    /** Polls until the deployment is terminal; returns its last view. */
    public JsonNode awaitTerminal(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = deployment(id);
            } catch (IllegalStateException e) {
                last = null; // orchestrator restarting
            }
            if (last != null && TERMINAL.contains(last.path("status").asText())) {
                return last;
            }
            ChildProcess.pause(200);
        }
        throw new IllegalStateException("deployment " + id + " not terminal after " + timeout.toSeconds() + " s: " + last);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            String bearer = token.get();
            if (bearer != null) {
                request.header("Authorization", "Bearer " + bearer);
            }
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            JsonNode json = body == null || body.isBlank() ? null : JSON.readTree(body);
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), json);
        } catch (IOException e) {
            throw new IllegalStateException("orchestrator at " + base + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
