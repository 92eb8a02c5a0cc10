package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.local.CutoverClient;
import dev.cutover.local.LocalStack;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Builds requests for one application behind its own router and follows them, for the e2e tests. */
final class Deployments {

    final LocalStack stack = Stack.get();
    final CutoverClient client = stack.client("orchestrator-service"); // sends the stack's admin token
    final String app;
    final int routerPort = LocalStack.freePort();

    private final java.nio.file.Path artifact;
    private final String sha256;

    Deployments(String app) {
        this(app, null, null);
    }

    /** Deploying {@code artifact} (its SHA-256 {@code sha256}) instead of the sample app's jar. */
    Deployments(String app, java.nio.file.Path artifact, String sha256) {
        this.app = app;
        this.artifact = artifact;
        this.sha256 = sha256;
    }

    URI router() {
        return URI.create("http://127.0.0.1:" + routerPort + "/");
    }

    /**
     * A request in environment development with {@link #overrides}.
     */
    Map<String, Object> request(String version, String strategy, Map<String, Object> overrides) {
        Map<String, Object> merged = overrides(overrides);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("application", app);
        request.put("environment", "development");
        request.put("version", version);
        request.put("artifact", (artifact != null ? artifact : stack.sampleAppJar()).toUri().toString());
        // optional outside production, verified when given
        request.put("sha256", artifact != null ? sha256 : stack.sampleAppSha256());
        request.put("strategy", strategy);
        request.put("overrides", merged);
        return request;
    }

    /**
     * This app's router port and the marker variable the tests use to find its processes, with {@code overrides}
     * merged on top (nested maps merge).
     */
    Map<String, Object> overrides(Map<String, Object> overrides) {
        Map<String, Object> merged = new LinkedHashMap<>();
        merged.put("router", Map.of("port", routerPort));
        merged.put("app", Map.of("env", Map.of("E2E_APP", app)));
        deepMerge(merged, overrides);
        return merged;
    }

    @SuppressWarnings("unchecked")
    static void deepMerge(Map<String, Object> into, Map<String, Object> from) {
        from.forEach((key, value) -> {
            Object existing = into.get(key);
            if (existing instanceof Map<?, ?> e && value instanceof Map<?, ?> v) {
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) e);
                deepMerge(copy, (Map<String, Object>) v);
                into.put(key, copy);
            } else {
                into.put(key, value);
            }
        });
    }

    String start(String version, String strategy, Map<String, Object> overrides) {
        CutoverClient.Response response = client.deploy(request(version, strategy, overrides));
        assertEquals(202, response.status(), () -> "not accepted: " + response.body());
        return response.body().path("id").asText();
    }

    JsonNode run(String version, String strategy, Map<String, Object> overrides) {
        return client.awaitTerminal(start(version, strategy, overrides), Duration.ofMinutes(3));
    }

    JsonNode awaitStatus(String id, String status) {
        AtomicReference<JsonNode> view = new AtomicReference<>();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
            view.set(client.deployment(id));
            String now = view.get().path("status").asText();
            if (CutoverClient.TERMINAL.contains(now) && !now.equals(status)) {
                throw new AssertionError("ended " + now + " while waiting for " + status + ": " + view.get());
            }
            return status.equals(now);
        });
        return view.get();
    }

    /** Base URL of the instance running {@code version}, from the provisioner's own book. */
    String instanceUrl(String version) {
        JsonNode targets = stack.client("provisioner-service").get("/slots").body();
        for (JsonNode target : targets) {
            if (app.equals(target.path("application").asText())) {
                for (JsonNode slot : target.path("slots")) {
                    if (version.equals(slot.path("version").asText())) {
                        return slot.path("url").asText();
                    }
                }
            }
        }
        throw new AssertionError("no instance of " + app + " " + version + " in " + targets);
    }

    /** The base URL of this app's router's admin API (backends, /health, /metrics). */
    URI routerAdmin() {
        return LocalStack.routerAdminUrl(routerPort);
    }

    /** The router's backends as it reports them on its admin API. */
    JsonNode routerBackends() {
        return new CutoverClient(routerAdmin()).get("/backends").body();
    }

    CutoverClient.Response action(String id, String action) {
        return client.post("/deployments/" + id + "/" + action, "{\"reason\":\"e2e\"}");
    }

    /**
     * Approves as someone other than the requester (the admin token): production's four eyes refuse the
     * requester's own approval.
     */
    CutoverClient.Response approveAsSecondPerson(String id) {
        String approver = stack.tokens().subject("e2e-approver").grant("approver", app, "*").mint();
        return client.withToken(approver).post("/deployments/" + id + "/approve", "{\"reason\":\"e2e\"}");
    }
}
