package dev.cutover.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.sampleapp.SampleApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTPS redirect, HSTS and CSP on the traffic port, set through {@code PUT /security}; real HTTP, real router. */
class SecurityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CSP = "default-src 'self'; frame-ancestors 'none'";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private Router router;
    private SampleApp app;

    @BeforeEach
    void start() throws Exception {
        router = Router.start("shop/test", 0, 0);
        app = SampleApp.start(Map.of("PORT", "0", "CUTOVER_VERSION", "1.0.0"));
        HttpResponse<String> put = admin("/backends", JSON.writeValueAsString(Map.of("backends",
                List.of(Map.of("id", "blue", "url", "http://127.0.0.1:" + app.port(), "weight", 100)))));
        assertEquals(200, put.statusCode(), put.body());
    }

    @AfterEach
    void stop() {
        router.close();
        app.close();
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

    record Result(long startNanos, long endNanos, int status, String hsts, String csp, Throwable failure) {
    }

    @Test
    void changingTheSettingUnderLoadDropsNoRequestAndAppliesFromTheNextOne() throws Exception {
        ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Thread worker = new Thread(() -> {
                while (running.get()) {
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> r = get("/", "https");
                        results.add(new Result(start, System.nanoTime(), r.statusCode(),
                                r.headers().firstValue(SecurityPolicy.HSTS_HEADER).orElse(null),
                                r.headers().firstValue(SecurityPolicy.CSP_HEADER).orElse(null), null));
                    } catch (Exception e) {
                        results.add(new Result(start, System.nanoTime(), -1, null, null, e));
                    }
                }
            }, "load-" + w);
            worker.start();
            workers.add(worker);
        }

        List<long[]> windows = new ArrayList<>(); // {putSent, putDone, on: 1/0}
        for (int change = 0; change < 6; change++) {
            boolean on = change % 2 == 0;
            long putSent = System.nanoTime();
            putSecurity(on, on, on ? CSP : null); // https-only too: the load says it arrived over HTTPS
            long putDone = System.nanoTime();
            windows.add(new long[] {putSent, putDone, on ? 1 : 0});
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> results.stream().filter(r -> r.startNanos() > putDone).count() >= 30);
        }
        running.set(false);
        for (Thread worker : workers) {
            worker.join(10_000);
        }

        List<Result> all = new ArrayList<>(results);
        assertEquals(List.of(), all.stream().filter(r -> r.status() != 200).toList(), "no request may fail");
        for (int i = 0; i < windows.size(); i++) {
            long from = windows.get(i)[1];
            long until = i + 1 < windows.size() ? windows.get(i + 1)[0] : Long.MAX_VALUE;
            boolean on = windows.get(i)[2] == 1;
            List<Result> inWindow = all.stream().filter(r -> r.startNanos() > from && r.endNanos() < until).toList();
            assertTrue(inWindow.size() >= 20, "window " + i + " has only " + inWindow.size() + " requests");
            for (Result r : inWindow) {
                assertEquals(on ? SecurityPolicy.HSTS_VALUE : null, r.hsts(), "window " + i);
                assertEquals(on ? CSP : null, r.csp(), "window " + i);
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
        return URI.create("http://127.0.0.1:" + router.adminPort() + path);
    }

    /** Through the router; {@code forwardedProto} as a TLS-terminating proxy in front would set it (null: none). */
    private HttpResponse<String> get(String path, String forwardedProto) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (forwardedProto != null) {
            request.header(SecurityPolicy.FORWARDED_PROTO_HEADER, forwardedProto);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
