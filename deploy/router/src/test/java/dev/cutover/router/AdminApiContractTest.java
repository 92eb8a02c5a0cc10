package dev.cutover.router;

import dev.cutover.events.router.RouterAdminApi;
import dev.cutover.events.router.RouterAdminApi.Backend;
import dev.cutover.events.router.RouterAdminApi.BackendTable;
import dev.cutover.events.router.RouterAdminApi.ErrorBody;
import dev.cutover.events.router.RouterAdminApi.Health;
import dev.cutover.events.router.RouterAdminApi.RoutedBackend;
import dev.cutover.events.router.RouterAdminApi.Security;
import dev.cutover.events.router.RouterAdminApi.SetBackends;
import dev.cutover.sampleapp.SampleApp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The router speaks the shared admin API types: what a client writes with them, the router reads, and back. */
class AdminApiContractTest {

    @RegisterExtension
    final RouterUnderTest router = new RouterUnderTest();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private SampleApp blue;
    private SampleApp green;

    @BeforeEach
    void startApps() throws Exception {
        blue = router.app("1.0.0");
        green = router.app("2.0.0");
    }

    @Test
    void aTypedPutIsAnsweredWithTheTypedTable() throws Exception {
        List<Backend> set = List.of(new Backend("blue", url(blue), 100, "1.0.0"),
                new Backend("green", url(green), 0, null));
        String body = RouterAdminApi.mapper().writeValueAsString(new SetBackends(set));
        HttpResponse<String> put = send(HttpRequest.newBuilder(admin(RouterAdminApi.BACKENDS_PATH))
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(200, put.statusCode(), put.body());
        BackendTable answer = RouterAdminApi.mapper().readValue(put.body(), BackendTable.class);
        assertEquals("shop/test", answer.target());
        assertEquals(100, answer.totalWeight());
        assertEquals(List.of(new RoutedBackend("blue", url(blue), 100, "1.0.0", 0),
                new RoutedBackend("green", url(green), 0, "unknown", 0)), answer.backends());
        assertEquals(List.of(), answer.draining());

        BackendTable read = RouterAdminApi.mapper().readValue(
                send(HttpRequest.newBuilder(admin(RouterAdminApi.BACKENDS_PATH)).GET()).body(), BackendTable.class);
        assertEquals(answer, read);
        assertEquals(new Health("UP", "shop/test"), RouterAdminApi.mapper().readValue(
                send(HttpRequest.newBuilder(admin(RouterAdminApi.HEALTH_PATH)).GET()).body(), Health.class));
    }

    @Test
    void aRejectedPutNamesWhereTheBodyIsWrong() throws Exception {
        HttpResponse<String> put = send(HttpRequest.newBuilder(admin(RouterAdminApi.BACKENDS_PATH))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"backends\":[{\"id\":\"a\",\"url\":\"" + url(blue)
                        + "\",\"weight\":\"10\"}]}")));
        assertEquals(400, put.statusCode());
        ErrorBody error = RouterAdminApi.mapper().readValue(put.body(), ErrorBody.class);
        assertTrue(error.error().contains("backends[0].weight"), error.error());
    }

    @Test
    void aTypedSecurityPutIsAnsweredWithTheSettingInForce() throws Exception {
        assertEquals(Security.OFF, RouterAdminApi.mapper().readValue(
                send(HttpRequest.newBuilder(admin(RouterAdminApi.SECURITY_PATH)).GET()).body(), Security.class));
        Security production = new Security(true, true, "default-src 'self'");
        HttpResponse<String> put = send(HttpRequest.newBuilder(admin(RouterAdminApi.SECURITY_PATH))
                .PUT(HttpRequest.BodyPublishers.ofString(RouterAdminApi.mapper().writeValueAsString(production))));
        assertEquals(200, put.statusCode(), put.body());
        assertEquals(production, RouterAdminApi.mapper().readValue(put.body(), Security.class));
        assertEquals(production, RouterAdminApi.mapper().readValue(
                send(HttpRequest.newBuilder(admin(RouterAdminApi.SECURITY_PATH)).GET()).body(), Security.class));

        HttpResponse<String> rejected = send(HttpRequest.newBuilder(admin(RouterAdminApi.SECURITY_PATH))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"httpsOnly\":\"yes\",\"hsts\":true}")));
        assertEquals(400, rejected.statusCode());
        assertTrue(RouterAdminApi.mapper().readValue(rejected.body(), ErrorBody.class).error().contains("httpsOnly"),
                rejected.body());
    }

    @Test
    void theMetricsTextHasEveryNameTheContractPromises() throws Exception {
        HttpResponse<String> put = send(HttpRequest.newBuilder(admin(RouterAdminApi.BACKENDS_PATH))
                .PUT(HttpRequest.BodyPublishers.ofString(RouterAdminApi.mapper().writeValueAsString(
                        new SetBackends(List.of(new Backend("blue", url(blue), 100, "1.0.0")))))));
        assertEquals(200, put.statusCode(), put.body());
        assertEquals(200, send(HttpRequest.newBuilder(router.traffic("/")).GET()).statusCode());

        String text = send(HttpRequest.newBuilder(admin(RouterAdminApi.METRICS_PATH)).GET()).body();
        String backend = "{" + RouterAdminApi.BACKEND_LABEL + "=\"blue\"";
        for (String name : List.of(RouterAdminApi.REQUESTS_TOTAL, RouterAdminApi.ERRORS_TOTAL,
                RouterAdminApi.REQUEST_DURATION_BUCKET, RouterAdminApi.INFLIGHT)) {
            assertTrue(text.lines().anyMatch(l -> l.startsWith(name + backend)), name + backend + " not in:\n" + text);
        }
        assertTrue(text.lines().anyMatch(l -> l.startsWith(RouterAdminApi.UNROUTED_TOTAL + " ")), text);
    }

    private static String url(SampleApp app) {
        return "http://127.0.0.1:" + app.port();
    }

    private URI admin(String path) {
        return RouterAdminApi.uri(router.adminUrl(), path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
