package dev.cutover.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.sampleapp.SampleApp;
import dev.cutover.router.LoadDuringChanges.Request;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTPS redirect, HSTS and CSP on the traffic port, set through {@code PUT /security}; real HTTP, real router. */
class SecurityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CSP = "default-src 'self'; frame-ancestors 'none'";

    @RegisterExtension
    final RouterUnderTest router = new RouterUnderTest();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private SampleApp app;

    @BeforeEach
    void putTheAppBehindTheRouter() throws Exception {
        app = router.app("1.0.0");
        HttpResponse<String> put = admin("/backends", JSON.writeValueAsString(Map.of("backends",
                List.of(Map.of("id", "blue", "url", "http://127.0.0.1:" + app.port(), "weight", 100)))));
        assertEquals(200, put.statusCode(), put.body());
    }

    @Test
    void aFreshRouterRedirectsNothingAndAddsNoHeader() throws Exception {
        assertEquals(setting(false, false, null), JSON.readTree(admin("/security", null).body()));
        HttpResponse<String> plain = get("/", null);
        assertEquals(200, plain.statusCode());
        assertEquals(Optional.empty(), plain.headers().firstValue(SecurityPolicy.HSTS_HEADER));
        assertEquals(Optional.empty(), plain.headers().firstValue(SecurityPolicy.CSP_HEADER));
    }

    @Test
    void httpsOnlyRedirectsWhatDidNotArriveOverHttpsWithA308AndNeverForwardsIt() throws Exception {
        putSecurity(true, false, null);

        HttpResponse<String> plain = get("/orders/7?page=2", null);
        assertEquals(308, plain.statusCode());
        assertEquals("https://127.0.0.1/orders/7?page=2", plain.headers().firstValue("Location").orElseThrow());
        assertEquals(308, get("/", "http").statusCode());
        assertEquals(308, get("/", "ftp, https").statusCode(), "the first proxy's value counts");
        assertEquals(0, app.rootRequests(), "a redirected request must not reach the backend");

        for (String https : List.of("https", "HTTPS", "https, http")) {
            HttpResponse<String> secure = get("/", https);
            assertEquals(200, secure.statusCode(), https);
            assertEquals("version=1.0.0\n", secure.body());
            assertEquals(Optional.empty(), secure.headers().firstValue("Location"));
        }
        assertEquals(3, app.rootRequests());

        putSecurity(false, false, null);
        assertEquals(200, get("/", null).statusCode(), "off again: plain HTTP is served");
        assertEquals(4, app.rootRequests());
    }

    @Test
    void hstsIsOnEveryProxiedResponseOnlyWhileOn() throws Exception {
        putSecurity(false, true, null);
        for (String path : List.of("/", "/health", "/no-such-page")) {
            HttpResponse<String> response = get(path, "https");
            assertEquals(SecurityPolicy.HSTS_VALUE, response.headers().firstValue(SecurityPolicy.HSTS_HEADER).orElse(null),
                    path + " " + response.statusCode());
            assertEquals(Optional.empty(), response.headers().firstValue(SecurityPolicy.CSP_HEADER));
        }
        assertEquals(404, get("/no-such-page", null).statusCode());
        assertEquals("max-age=31536000; includeSubDomains",
                get("/", null).headers().firstValue("Strict-Transport-Security").orElse(null));

        // also when the router answers itself: no backend with weight > 0
        admin("/backends", "{\"backends\":[]}");
        HttpResponse<String> unrouted = get("/", "https");
        assertEquals(503, unrouted.statusCode());
        assertEquals(SecurityPolicy.HSTS_VALUE, unrouted.headers().firstValue(SecurityPolicy.HSTS_HEADER).orElse(null));

        putSecurity(false, false, null);
        assertEquals(Optional.empty(), get("/", "https").headers().firstValue(SecurityPolicy.HSTS_HEADER));
    }

    @Test
    void cspCarriesTheConfiguredPolicyAndCanBeReplacedOrRemoved() throws Exception {
        putSecurity(false, false, CSP);
        HttpResponse<String> response = get("/", null);
        assertEquals(200, response.statusCode());
        assertEquals(List.of(CSP), response.headers().allValues(SecurityPolicy.CSP_HEADER));
        assertEquals(Optional.empty(), response.headers().firstValue(SecurityPolicy.HSTS_HEADER));

        putSecurity(false, false, "default-src 'none'");
        assertEquals(List.of("default-src 'none'"), get("/", null).headers().allValues(SecurityPolicy.CSP_HEADER));

        JsonNode cleared = putSecurity(false, false, "");
        assertTrue(cleared.path("csp").isMissingNode(), cleared.toString());
        assertEquals(Optional.empty(), get("/", null).headers().firstValue(SecurityPolicy.CSP_HEADER));
    }

    @Test
    void allThreeTogetherAsProductionHasThem() throws Exception {
        JsonNode answer = putSecurity(true, true, CSP);
        assertEquals(setting(true, true, CSP), answer);
        assertEquals(answer, JSON.readTree(admin("/security", null).body()));
        HttpResponse<String> plain = get("/", null);
        assertEquals(308, plain.statusCode());
        assertEquals(Optional.empty(), plain.headers().firstValue(SecurityPolicy.HSTS_HEADER),
                "HSTS is not sent over plain HTTP (RFC 6797 7.2)");
        HttpResponse<String> secure = get("/", "https");
        assertEquals(200, secure.statusCode());
        assertEquals(SecurityPolicy.HSTS_VALUE, secure.headers().firstValue(SecurityPolicy.HSTS_HEADER).orElse(null));
        assertEquals(CSP, secure.headers().firstValue(SecurityPolicy.CSP_HEADER).orElse(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json",
            "null",
            "[]",
            "{}",
            "{\"httpsOnly\":true}",
            "{\"httpsOnly\":\"true\",\"hsts\":false}",
            "{\"httpsOnly\":1,\"hsts\":false}",
            "{\"httpsOnly\":true,\"hsts\":false,\"csp\":7}",
            "{\"httpsOnly\":true,\"hsts\":false,\"csp\":\"default-src 'self'\\r\\nSet-Cookie: a=b\"}",
            "{\"httpsOnly\":true,\"hsts\":false,\"csp\":\"default-src \u00e9\"}",
    })
    void anInvalidSettingIs400AndChangesNothing(String body) throws Exception {
        putSecurity(false, true, CSP);
        HttpResponse<String> response = admin("/security", body);
        assertEquals(400, response.statusCode(), body + " -> " + response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(JSON.readTree(response.body()).get("error").asText().length() > 5, response.body());
        assertEquals(setting(false, true, CSP), JSON.readTree(admin("/security", null).body()));
        HttpResponse<String> served = get("/", null);
        assertEquals(200, served.statusCode());
        assertEquals(CSP, served.headers().firstValue(SecurityPolicy.CSP_HEADER).orElse(null));
    }

    @Test
    void onlyGetAndPut() throws Exception {
        HttpResponse<String> delete = http.send(HttpRequest.newBuilder(adminUri("/security")).DELETE()
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, delete.statusCode());
    }

    // --- changed at run time, under load ---------------------------------------------------------------------

    @Test
    void changingTheSettingUnderLoadDropsNoRequestAndAppliesFromTheNextOne() throws Exception {
        LoadDuringChanges<HttpResponse<String>> load = LoadDuringChanges.start(3, () -> get("/", "https"));
        for (int change = 0; change < 6; change++) {
            boolean on = change % 2 == 0;
            // https-only too: the load says it arrived over HTTPS
            load.change(() -> putSecurity(on, on, on ? CSP : null), 30);
        }
        load.stop();

        assertEquals(List.of(), load.failed(r -> r.statusCode() == 200), "no request may fail");
        for (int i = 0; i < load.changes(); i++) {
            boolean on = i % 2 == 0; // even changes turn it on
            List<Request<HttpResponse<String>>> inWindow = load.between(i);
            assertTrue(inWindow.size() >= 20, "window " + i + " has only " + inWindow.size() + " requests");
            for (Request<HttpResponse<String>> r : inWindow) {
                HttpHeaders headers = r.answer().headers();
                assertEquals(on ? SecurityPolicy.HSTS_VALUE : null,
                        headers.firstValue(SecurityPolicy.HSTS_HEADER).orElse(null), "window " + i);
                assertEquals(on ? CSP : null, headers.firstValue(SecurityPolicy.CSP_HEADER).orElse(null), "window " + i);
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static JsonNode setting(boolean httpsOnly, boolean hsts, String csp) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("httpsOnly", httpsOnly);
        body.put("hsts", hsts);
        if (csp != null) {
            body.put("csp", csp);
        }
        return JSON.valueToTree(body);
    }

    private JsonNode putSecurity(boolean httpsOnly, boolean hsts, String csp) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("httpsOnly", httpsOnly);
        body.put("hsts", hsts);
        body.put("csp", csp);
        HttpResponse<String> response = admin("/security", JSON.writeValueAsString(body));
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** GET when {@code body} is null, else PUT. */
    private HttpResponse<String> admin(String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(adminUri(path)).timeout(Duration.ofSeconds(10));
        request = body == null ? request.GET() : request.PUT(HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI adminUri(String path) {
        return router.admin(path);
    }

    /** Through the router; {@code forwardedProto} as a TLS-terminating proxy in front would set it (null: none). */
    private HttpResponse<String> get(String path, String forwardedProto) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(router.traffic(path))
                .timeout(Duration.ofSeconds(10));
        if (forwardedProto != null) {
            request.header(SecurityPolicy.FORWARDED_PROTO_HEADER, forwardedProto);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
