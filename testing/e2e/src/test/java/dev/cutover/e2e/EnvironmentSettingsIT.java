package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Environment keys take effect on the local provider: {@code application.*} reach the instance as variables,
 * {@code security.*} make the target's router redirect plain HTTP and add HSTS and CSP — and turning them off
 * again takes them away.
 */
class EnvironmentSettingsIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private static HttpResponse<String> get(URI uri, String forwardedProto) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET();
        if (forwardedProto != null) {
            b.header("X-Forwarded-Proto", forwardedProto);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void applicationAndSecurityKeysChangeWhatTheInstanceAndTheRouterDo() throws Exception {
        Deployments d = new Deployments("env-keys");
        Map<String, Object> secured = CanaryIT.fast(Map.of(
                "application", Map.of("log-level", "trace", "hot-reload", false),
                "security", Map.of("https-only", true, "hsts", true, "csp", "default-src 'self'")));
        JsonNode v1 = d.run("1.0.0", "blue-green", secured);
        assertEquals("SUCCEEDED", v1.path("status").asText(), v1::toString);

        List<Map<String, String>> envs = Stack.instanceEnvironments(d.app);
        assertEquals(1, envs.size(), envs::toString);
        assertEquals("trace", envs.get(0).get("LOG_LEVEL"));
        assertEquals("false", envs.get(0).get("HOT_RELOAD"));
        assertEquals("true", envs.get(0).get("SOURCE_MAPS"), "development's own value where not overridden");

        HttpResponse<String> plain = get(d.router(), null);
        assertEquals(308, plain.statusCode(), plain::toString);
        assertTrue(plain.headers().firstValue("Location").orElse("").startsWith("https://"), plain::toString);
        HttpResponse<String> https = get(d.router(), "https");
        assertEquals(200, https.statusCode(), https::toString);
        assertTrue(https.headers().firstValue("Strict-Transport-Security").orElse("").contains("max-age="));
        assertEquals("default-src 'self'", https.headers().firstValue("Content-Security-Policy").orElse(""));

        // the same keys switched off by the next deployment: plain HTTP is served, no security headers
        JsonNode v2 = d.run("2.0.0", "blue-green", CanaryIT.fast(Map.of(
                "security", Map.of("https-only", false, "hsts", false, "csp", ""))));
        assertEquals("SUCCEEDED", v2.path("status").asText(), v2::toString);
        await().atMost(Duration.ofSeconds(10)).until(() -> get(d.router(), null).statusCode() == 200);
        HttpResponse<String> open = get(d.router(), null);
        assertTrue(open.body().contains("2.0.0"), open::body);
        assertFalse(open.headers().firstValue("Strict-Transport-Security").isPresent(), open::toString);
        assertFalse(open.headers().firstValue("Content-Security-Policy").isPresent(), open::toString);
    }

    @Test
    void instanceCountSetsHowManyInstancesABlueGreenSlotRuns() throws Exception {
        Deployments d = new Deployments("env-instances");
        JsonNode v1 = d.run("1.0.0", "blue-green", CanaryIT.fast(Map.of("infrastructure", Map.of("instance-count", 3))));
        assertEquals("SUCCEEDED", v1.path("status").asText(), v1::toString);
        List<Map<String, String>> envs = Stack.instanceEnvironments(d.app);
        assertEquals(3, envs.size(), envs::toString);
        assertEquals(List.of("1", "2", "3"), envs.stream().map(e -> e.get("CUTOVER_INSTANCE")).sorted().toList());
        JsonNode backend = d.routerBackends().path("backends").path(0);
        assertEquals(3, backend.path("urls").size(), d.routerBackends()::toString);

        // the next deployment with the default of development (1): one instance of the new version, the old ones gone
        JsonNode v2 = d.run("2.0.0", "blue-green", CanaryIT.fast(Map.of()));
        assertEquals("SUCCEEDED", v2.path("status").asText(), v2::toString);
        await().atMost(Duration.ofSeconds(10)).until(() -> Stack.runningVersions(d.app).equals(List.of("2.0.0")));
    }
}
