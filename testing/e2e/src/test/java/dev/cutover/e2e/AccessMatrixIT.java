package dev.cutover.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.local.CutoverClient;
import dev.cutover.local.LocalStack;
import dev.cutover.security.local.LocalSigningKey;
import dev.cutover.security.local.LocalTokens;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every HTTP endpoint of every service × a token of each kind, against the real stack: no token, expired, another
 * issuer, another audience, signed by an unknown key (all 401), a token with the wrong role (403, or 404 / left out
 * of a list where the role-less token sees nothing), one scoped to another application (or environment, for the
 * environment-level config API: 404 / left out), the requester approving their own production deployment (403, four
 * eyes). 0 unauthorized successes; every refusal application/problem+json; the right token gets through. Bearer
 * tokens are no way into the CI webhook (signature only). Prints the matrix.
 */
class AccessMatrixIT {

    enum Kind {
        NONE, EXPIRED, WRONG_ISSUER, WRONG_AUDIENCE, WRONG_KEY, WRONG_ROLE, OTHER_SCOPE, OWN_APPROVAL, RIGHT
    }

    private static final Set<Kind> INVALID = Set.of(Kind.NONE, Kind.EXPIRED, Kind.WRONG_ISSUER, Kind.WRONG_AUDIENCE,
            Kind.WRONG_KEY);
    private static final String APP = "acl-shop";
    private static final String OTHER_APP = "acl-other";
    /** Production's application: its own name, so its slots never share a name with development's. */
    private static final String LIVE_APP = "acl-live";

    /**
     * One endpoint: how to call it, the token of each kind that applies beyond the invalid ones, what a refused
     * list would leak (null: not a list), and which statuses the right token may get (authorized: the deployment's
     * status may still refuse an action with 409).
     */
    record Endpoint(String service, String method, String path, String body, Map<Kind, String> tokens,
                    Predicate<JsonNode> leaks, Set<Integer> rightStatuses) {

        String name() {
            return service.replace("-service", "") + " " + method + " " + path;
        }
    }

    /** One call's outcome. */
    record Call(Endpoint endpoint, Kind kind, int status, String contentType, boolean leaked) {
    }

    private final LocalStack stack = Stack.get();

    private String token(String subject, String... grants) {
        LocalTokens t = stack.tokens().subject(subject);
        for (String g : grants) {
            t.group(g);
        }
        return t.mint();
    }

    private Map<Kind, String> invalidTokens() {
        Map<Kind, String> t = new EnumMap<>(Kind.class);
        t.put(Kind.NONE, null);
        t.put(Kind.EXPIRED, stack.tokens().subject("alice").grant("admin", "*", "*")
                .issuedAt(Instant.now().minus(Duration.ofHours(1))).mint());
        t.put(Kind.WRONG_ISSUER, stack.tokens().subject("alice").grant("admin", "*", "*")
                .issuer("https://someone-else.example/").mint());
        t.put(Kind.WRONG_AUDIENCE, stack.tokens().subject("alice").grant("admin", "*", "*").audience("not-cutover")
                .mint());
        t.put(Kind.WRONG_KEY, new LocalTokens(LocalSigningKey.generate()).subject("alice").grant("admin", "*", "*")
                .mint());
        return t;
    }

    @Test
    void noTokenGetsMoreThanItsGrants() {
        long t0 = System.nanoTime();
        String alice = token("alice", "cutover:admin:" + APP + ":*", "cutover:admin:" + LIVE_APP + ":*");
        String bob = token("bob", "cutover:approver:" + APP + ":*", "cutover:approver:" + LIVE_APP + ":*");
        String dave = token("dave", "cutover:deployer:" + APP + ":*", "cutover:deployer:" + LIVE_APP + ":*");
        String viewer = token("vera", "cutover:viewer:" + APP + ":*", "cutover:viewer:" + LIVE_APP + ":*");
        String nobody = token("nobody", "some-other-group");
        String otherApp = token("mallory", "cutover:admin:" + OTHER_APP + ":*");
        String stagingViewer = token("sven", "cutover:viewer:" + APP + ":staging");

        // the deployments the matrix acts on, each requested by alice
        Deployments dev = new Deployments(APP);
        CutoverClient asAlice = dev.client.withToken(alice);
        String succeeded = accepted(asAlice.deploy(dev.request("1.0.0", "blue-green", CanaryIT.FAST)));
        // production's approval gate holds a deployment that replaces a serving one: a first one runs through
        Deployments prod = new Deployments(LIVE_APP);
        Map<String, Object> production = prod.request("1.0.0", "blue-green", CanaryIT.FAST);
        production.put("environment", "production");
        String firstInProduction = accepted(asAlice.deploy(production));
        JsonNode done = asAlice.awaitTerminal(succeeded, Duration.ofMinutes(2));
        assertEquals("SUCCEEDED", done.path("status").asText(), done::toString);
        JsonNode first = asAlice.awaitTerminal(firstInProduction, Duration.ofMinutes(2));
        assertEquals("SUCCEEDED", first.path("status").asText(), first::toString);
        String gated = accepted(asAlice.deploy(dev.request("1.0.1", "blue-green",
                CanaryIT.fast(Map.of("pipeline", Map.of("approval-before-promote", true))))));
        production.put("version", "1.0.1");
        String inProduction = accepted(asAlice.deploy(production));
        dev.awaitStatus(gated, "AWAITING_APPROVAL");

        Map<String, Object> fresh = new Deployments(APP).request("2.0.0", "blue-green", CanaryIT.FAST);
        fresh.put("environment", "staging");
        String freshBody = json(fresh);

        Predicate<JsonNode> listsOurs = list -> list != null && (list.toString().contains("\"" + APP + "\"")
                || list.toString().contains("\"" + LIVE_APP + "\""));
        Predicate<JsonNode> listsDevelopment = list -> list != null && list.toString().contains("\"development\"");
        List<Endpoint> endpoints = new ArrayList<>();
        String o = "orchestrator-service";
        endpoints.add(new Endpoint(o, "GET", "/deployments", null,
                scoped(nobody, otherApp, null, viewer), listsOurs, Set.of(200)));
        endpoints.add(new Endpoint(o, "GET", "/deployments/" + succeeded, null,
                scoped(nobody, otherApp, null, viewer), null, Set.of(200)));
        endpoints.add(new Endpoint(o, "POST", "/deployments", freshBody,
                scoped(viewer, otherApp, null, dave), null, Set.of(202)));
        for (String action : List.of("pause", "resume", "promote")) {
            endpoints.add(new Endpoint(o, "POST", "/deployments/" + gated + "/" + action, "{\"reason\":\"matrix\"}",
                    scoped(viewer, otherApp, null, dave), null, Set.of(202, 409)));
        }
        // staging is no four-eyes environment: alice may approve her own there
        endpoints.add(new Endpoint(o, "POST", "/deployments/" + gated + "/approve", "{\"reason\":\"matrix\"}",
                scoped(dave, otherApp, null, bob), null, Set.of(202, 409)));
        endpoints.add(new Endpoint(o, "POST", "/deployments/" + inProduction + "/approve", "{\"by\":\"bob\"}",
                scoped(dave, otherApp, alice, bob), null, Set.of(202, 409)));
        for (String action : List.of("rollback", "abort")) {
            endpoints.add(new Endpoint(o, "POST", "/deployments/" + inProduction + "/" + action,
                    "{\"reason\":\"matrix\"}", scoped(viewer, otherApp, null, dave), null, Set.of(202, 409)));
        }
        endpoints.add(new Endpoint(o, "POST", "/deployments/" + succeeded + "/redeploy", "{}",
                scoped(bob, otherApp, null, dave), null, Set.of(202, 409)));
        // signed by the CI source's key or nothing: no bearer token, however good, gets a deployment through
        endpoints.add(new Endpoint(o, "POST", "/webhooks/e2e-ci", freshBody, scoped(viewer, otherApp, null, alice),
                null, Set.of(401)));
        String c = "config-service";
        endpoints.add(new Endpoint(c, "GET", "/environments", null, scoped(nobody, stagingViewer, null, viewer),
                listsDevelopment, Set.of(200)));
        endpoints.add(new Endpoint(c, "GET", "/environments/development/config", null,
                scoped(nobody, stagingViewer, null, viewer), null, Set.of(200)));
        endpoints.add(new Endpoint("provisioner-service", "GET", "/slots", null, scoped(nobody, otherApp, null, viewer),
                listsOurs, Set.of(200)));
        List<String> openMetrics = new ArrayList<>();
        for (String service : List.of(o, c, "provisioner-service", "health-monitor-service", "rollback-service")) {
            assertEquals(200, send(service, "GET", "/q/health/ready", null, null).status(),
                    service + ": health needs no token");
            if (send(service, "GET", "/q/metrics", null, null).status() == 401) {
                endpoints.add(new Endpoint(service, "GET", "/q/metrics", null, scoped(null, null, null, viewer), null,
                        Set.of(200)));
            } else {
                openMetrics.add(service.replace("-service", ""));
            }
        }

        // every refused call first (they must change nothing), then the right tokens
        List<Call> calls = new ArrayList<>();
        Map<Kind, String> invalid = invalidTokens();
        for (Endpoint e : endpoints) {
            for (Kind kind : Kind.values()) {
                if (kind == Kind.RIGHT) {
                    continue;
                }
                if (INVALID.contains(kind)) {
                    calls.add(call(e, kind, invalid.get(kind)));
                } else if (e.tokens().get(kind) != null) {
                    calls.add(call(e, kind, e.tokens().get(kind)));
                }
            }
        }
        JsonNode gatedView = dev.client.deployment(gated);
        assertEquals("AWAITING_APPROVAL", gatedView.path("status").asText(), "refused calls changed nothing");
        assertEquals(1, gatedView.path("audit").size(), gatedView::toString);
        assertEquals(0, gatedView.path("actions").size(), gatedView::toString);

        awaitHeldOrEnded(prod, inProduction);
        for (Endpoint e : endpoints) {
            if (e.path().endsWith("/redeploy")) {
                dev.client.awaitTerminal(gated, Duration.ofMinutes(2)); // its target must be free again
            }
            calls.add(call(e, Kind.RIGHT, e.tokens().get(Kind.RIGHT)));
        }

        // what the right calls left behind: the audit names the token's subjects, never a body's "by"
        JsonNode prodView = prod.client.deployment(inProduction);
        assertEquals("alice", prodView.path("audit").get(0).path("subject").asText(), prodView::toString);
        assertTrue(prodView.path("audit").findValuesAsText("subject").stream().noneMatch(s -> !Set.of("alice", "bob",
                "dave").contains(s)), prodView::toString);
        cleanUp(asAlice);

        System.out.println("[access matrix] {done} " + succeeded + " (development, SUCCEEDED), {held} " + gated
                + " (development, held for approval), {prod} " + inProduction + " (production, "
                + prodView.path("status").asText() + ": " + prodView.path("reason").asText() + ")");
        report(calls, Map.of(succeeded, "{done}", gated, "{held}", inProduction, "{prod}"), openMetrics,
                System.nanoTime() - t0);
        List<String> wrong = new ArrayList<>();
        for (Call call : calls) {
            String problem = verdict(call);
            if (problem != null) {
                wrong.add(call.endpoint().name() + " " + call.kind() + ": " + problem);
            }
        }
        assertEquals(List.of(), wrong, "calls that did not get what their token allows");
    }

    /** The tokens beyond the invalid ones: wrong role, other scope, the requester approving (null: n/a), right. */
    private static Map<Kind, String> scoped(String wrongRole, String otherScope, String ownApproval, String right) {
        Map<Kind, String> m = new EnumMap<>(Kind.class);
        m.put(Kind.WRONG_ROLE, wrongRole);
        m.put(Kind.OTHER_SCOPE, otherScope);
        m.put(Kind.OWN_APPROVAL, ownApproval);
        m.put(Kind.RIGHT, right);
        return m;
    }

    private Call call(Endpoint e, Kind kind, String token) {
        CutoverClient.Response r = send(e.service(), e.method(), e.path(), e.body(), token);
        boolean leaked = e.leaks() != null && r.status() == 200 && e.leaks().test(r.body());
        return new Call(e, kind, r.status(), r.contentType(), leaked);
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One call; the body is read as JSON only when it says it is JSON (metrics are text). */
    private CutoverClient.Response send(String service, String method, String path, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(stack.serviceUrl(service).resolve(path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (method.equals("GET")) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String type = r.headers().firstValue("Content-Type").orElse("");
            JsonNode json = type.contains("json") && !r.body().isBlank() ? JSON.readTree(r.body()) : null;
            return new CutoverClient.Response(r.statusCode(), type, json);
        } catch (IOException e) {
            throw new UncheckedIOException(service + " " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Null when the call got what its token allows, else what went wrong. */
    private static String verdict(Call call) {
        int status = call.status();
        boolean problemJson = call.contentType().startsWith("application/problem+json");
        if (call.kind() == Kind.RIGHT) {
            return call.endpoint().rightStatuses().contains(status) ? null : "right token got " + status;
        }
        if (call.endpoint().leaks() != null && status == 200 && !INVALID.contains(call.kind())) {
            return call.leaked() ? "UNAUTHORIZED: the list shows what the token may not see" : null;
        }
        if (INVALID.contains(call.kind())) {
            return status == 401 && problemJson ? null : "expected 401 problem+json, got " + status + " "
                    + call.contentType();
        }
        if (status == 401 || status == 403 || status == 404) {
            return problemJson ? null : "refusal " + status + " is " + call.contentType();
        }
        return "UNAUTHORIZED success: " + status;
    }

    private static String outcome(Call call) {
        if (call.kind() == Kind.RIGHT) {
            return String.valueOf(call.status());
        }
        if (call.endpoint().leaks() != null && call.status() == 200 && !INVALID.contains(call.kind())) {
            return call.leaked() ? "LEAK" : "hid";
        }
        return String.valueOf(call.status());
    }

    private static void report(List<Call> calls, Map<String, String> labels, List<String> openMetrics, long nanos) {
        Map<String, Map<Kind, String>> rows = new LinkedHashMap<>();
        for (Call call : calls) {
            String name = call.endpoint().name();
            for (Map.Entry<String, String> label : labels.entrySet()) {
                name = name.replace(label.getKey(), label.getValue());
            }
            rows.computeIfAbsent(name, k -> new EnumMap<>(Kind.class)).put(call.kind(), outcome(call));
        }
        StringBuilder out = new StringBuilder("[access matrix] endpoint");
        for (Kind kind : Kind.values()) {
            out.append(" | ").append(kind.name().toLowerCase().replace('_', '-'));
        }
        out.append('\n');
        rows.forEach((name, byKind) -> {
            out.append("[access matrix] ").append(name);
            for (Kind kind : Kind.values()) {
                out.append(" | ").append(byKind.getOrDefault(kind, "-"));
            }
            out.append('\n');
        });
        Map<String, Integer> counts = new TreeMap<>();
        long refused = calls.stream().filter(c -> c.kind() != Kind.RIGHT).count();
        long unauthorized = calls.stream().filter(c -> c.kind() != Kind.RIGHT && verdict(c) != null).count();
        long rightOk = calls.stream().filter(c -> c.kind() == Kind.RIGHT && verdict(c) == null).count();
        long right = calls.stream().filter(c -> c.kind() == Kind.RIGHT).count();
        for (Call call : calls) {
            if (call.kind() != Kind.RIGHT) {
                counts.merge(outcome(call), 1, Integer::sum);
            }
        }
        out.append(String.format("[access matrix] %d endpoints, %d calls: %d with a token that must be refused -> %s;"
                        + " %d not refused as they must be; right token through on %d of %d; metrics open"
                        + " (cutover.metrics.policy=permit) on %s; %.1f s%n", rows.size(), calls.size(), refused,
                counts, unauthorized, rightOk, right, openMetrics, nanos / 1e9));
        System.out.print(out);
    }

    private static String accepted(CutoverClient.Response r) {
        assertEquals(202, r.status(), () -> "not accepted: " + r.body());
        return r.body().path("id").asText();
    }

    /** The production deployment holds for approval (or ended on its own, then approve is 409). */
    private static void awaitHeldOrEnded(Deployments d, String id) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String status = d.client.deployment(id).path("status").asText();
            return status.equals("AWAITING_APPROVAL") || CutoverClient.TERMINAL.contains(status);
        });
    }

    /** The deployment the right POST started, and whatever still runs, ended. */
    private static void cleanUp(CutoverClient asAdmin) {
        for (String app : List.of(APP, LIVE_APP)) {
            for (JsonNode d : asAdmin.get("/deployments?application=" + app).body()) {
                if (!CutoverClient.TERMINAL.contains(d.path("status").asText())) {
                    asAdmin.post("/deployments/" + d.path("id").asText() + "/abort", "{\"reason\":\"matrix done\"}");
                }
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String json(Map<String, Object> body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
