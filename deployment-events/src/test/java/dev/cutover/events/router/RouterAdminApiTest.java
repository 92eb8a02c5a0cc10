package dev.cutover.events.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.events.router.RouterAdminApi.Backend;
import dev.cutover.events.router.RouterAdminApi.BackendTable;
import dev.cutover.events.router.RouterAdminApi.DrainingBackend;
import dev.cutover.events.router.RouterAdminApi.ErrorBody;
import dev.cutover.events.router.RouterAdminApi.Health;
import dev.cutover.events.router.RouterAdminApi.RoutedBackend;
import dev.cutover.events.router.RouterAdminApi.Security;
import dev.cutover.events.router.RouterAdminApi.SetBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The admin API's JSON, field by field: what the router and its clients have always exchanged. */
class RouterAdminApiTest {

    private static final ObjectMapper JSON = RouterAdminApi.mapper();

    private static JsonNode tree(String json) throws JsonProcessingException {
        return JSON.readTree(json);
    }

    @Test
    void aPutBodyWritesAndReadsAsBefore() throws Exception {
        SetBackends body = new SetBackends(List.of(new Backend("blue", "http://127.0.0.1:7001", 100, "1.0.0"),
                new Backend("green", "http://127.0.0.1:7002", 0, null)));
        String wire = """
                {"backends":[{"id":"blue","url":"http://127.0.0.1:7001","weight":100,"version":"1.0.0"},
                             {"id":"green","url":"http://127.0.0.1:7002","weight":0}]}""";
        assertEquals(tree(wire), tree(JSON.writeValueAsString(body)));
        assertEquals(body, JSON.readValue(wire, SetBackends.class));
        // a null version reads as absent; a field from a newer client is ignored
        String lenient = wire.replace("\"weight\":0}", "\"weight\":0,\"version\":null,\"zone\":\"a\"}");
        assertEquals(body, JSON.readValue(lenient, SetBackends.class));
    }

    @Test
    void theTableReadsAndWritesAsTheRouterServesIt() throws Exception {
        String wire = """
                {"target":"shop/test","totalWeight":100,
                 "backends":[{"id":"fast","url":"http://127.0.0.1:7002","weight":100,"version":"v2","inflight":0}],
                 "draining":[{"id":"slow","url":"http://127.0.0.1:7001","version":"v1","inflight":1}]}""";
        BackendTable table = new BackendTable("shop/test", 100,
                List.of(new RoutedBackend("fast", "http://127.0.0.1:7002", 100, "v2", 0)),
                List.of(new DrainingBackend("slow", "http://127.0.0.1:7001", "v1", 1)));
        assertEquals(table, JSON.readValue(wire, BackendTable.class));
        assertEquals(tree(wire), tree(JSON.writeValueAsString(table)));
        assertEquals(1, table.inflight("slow"));
        assertEquals(0, table.inflight("fast"));
        assertEquals(new Backend("fast", "http://127.0.0.1:7002", 100, "v2"), table.backends().get(0).asBackend());
    }

    @Test
    void aBackendWithSeveralMembersCarriesTheirUrls() throws Exception {
        Backend green = new Backend("green", "http://127.0.0.1:7002", 100, "v2",
                List.of("http://127.0.0.1:7002", "http://127.0.0.1:7003", "http://127.0.0.1:7004"));
        String wire = """
                {"backends":[{"id":"green","url":"http://127.0.0.1:7002","weight":100,"version":"v2",
                              "urls":["http://127.0.0.1:7002","http://127.0.0.1:7003","http://127.0.0.1:7004"]}]}""";
        assertEquals(tree(wire), tree(JSON.writeValueAsString(new SetBackends(List.of(green)))));
        assertEquals(new SetBackends(List.of(green)), JSON.readValue(wire, SetBackends.class));
        assertEquals(3, green.members().size());

        // one member, however it is written, is the single-url backend of old: urls left out, equal to it
        Backend single = new Backend("blue", "http://127.0.0.1:7001", 0, "v1");
        assertEquals(List.of("http://127.0.0.1:7001"), single.members());
        for (String one : List.of("{\"id\":\"blue\",\"url\":\"http://127.0.0.1:7001\",\"weight\":0,\"version\":\"v1\"}",
                "{\"id\":\"blue\",\"url\":\"http://127.0.0.1:7001\",\"weight\":0,\"version\":\"v1\",\"urls\":[]}",
                "{\"id\":\"blue\",\"url\":\"http://127.0.0.1:7001\",\"weight\":0,\"version\":\"v1\",\"urls\":null}",
                "{\"id\":\"blue\",\"url\":\"http://127.0.0.1:7001\",\"weight\":0,\"version\":\"v1\","
                        + "\"urls\":[\"http://127.0.0.1:7001\"]}")) {
            assertEquals(single, JSON.readValue(one, Backend.class), one);
        }
        assertEquals(tree("{\"id\":\"blue\",\"url\":\"http://127.0.0.1:7001\",\"weight\":0,\"version\":\"v1\"}"),
                tree(JSON.writeValueAsString(new Backend("blue", "http://127.0.0.1:7001", 0, "v1",
                        List.of("http://127.0.0.1:7001")))));

        // the table shows the members, and what it shows is what was put
        RoutedBackend routed = JSON.readValue("""
                {"id":"green","url":"http://127.0.0.1:7002","weight":100,"version":"v2","inflight":2,
                 "urls":["http://127.0.0.1:7002","http://127.0.0.1:7003","http://127.0.0.1:7004"]}""", RoutedBackend.class);
        assertEquals(green, routed.asBackend());
        DrainingBackend draining = JSON.readValue("""
                {"id":"green","url":"http://127.0.0.1:7002","version":"v2","inflight":1,
                 "urls":["http://127.0.0.1:7002","http://127.0.0.1:7003"]}""", DrainingBackend.class);
        assertEquals(List.of("http://127.0.0.1:7002", "http://127.0.0.1:7003"), draining.urls());
        assertThrows(JsonProcessingException.class, () -> JSON.readValue(
                "{\"id\":\"a\",\"url\":\"http://127.0.0.1:1\",\"weight\":1,\"urls\":\"http://127.0.0.1:1\"}", Backend.class));
    }

    @Test
    void healthAndErrorBodies() throws Exception {
        assertEquals(tree("{\"status\":\"UP\",\"target\":\"shop/test\"}"),
                tree(JSON.writeValueAsString(new Health("UP", "shop/test"))));
        assertEquals(new Health("UP", "shop/test"),
                JSON.readValue("{\"status\":\"UP\",\"target\":\"shop/test\"}", Health.class));
        assertEquals(tree("{\"error\":\"no\"}"), tree(JSON.writeValueAsString(new ErrorBody("no"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[]",
            "{}",
            "{\"backends\":{}}",
            "{\"backends\":[1]}",
            "{\"backends\":[{\"id\":\"a\",\"url\":\"http://127.0.0.1:1\",\"weight\":\"10\"}]}",
            "{\"backends\":[{\"id\":\"a\",\"url\":\"http://127.0.0.1:1\",\"weight\":10.5}]}",
            "{\"backends\":[{\"id\":\"a\",\"url\":\"http://127.0.0.1:1\",\"weight\":null}]}",
            "{\"backends\":[{\"id\":\"a\",\"url\":\"http://127.0.0.1:1\"}]}",
            "{\"backends\":[{\"url\":\"http://127.0.0.1:1\",\"weight\":10}]}",
            "{\"backends\":[{\"id\":\"a\",\"weight\":10}]}",
            "{\"backends\":[{\"id\":5,\"url\":\"http://127.0.0.1:1\",\"weight\":10}]}",
            "{\"backends\":[{\"id\":\"a\",\"url\":\"http://127.0.0.1:1\",\"weight\":10,\"version\":2}]}",
            "{\"backends\":[{\"id\":\"a\",\"url\":\"http://127.0.0.1:1\",\"weight\":true}]}",
    })
    void aPutBodyThatIsNotASetOfBackendsDoesNotRead(String body) {
        assertThrows(JsonProcessingException.class, () -> JSON.readValue(body, SetBackends.class), body);
    }

    @Test
    void theSecuritySettingWritesAndReads() throws Exception {
        Security production = new Security(true, true, "default-src 'self'; frame-ancestors 'none'");
        String wire = "{\"httpsOnly\":true,\"hsts\":true,\"csp\":\"default-src 'self'; frame-ancestors 'none'\"}";
        assertEquals(tree(wire), tree(JSON.writeValueAsString(production)));
        assertEquals(production, JSON.readValue(wire, Security.class));
        // no csp: the field is left out, and absent, null or blank all read as none
        assertEquals(tree("{\"httpsOnly\":false,\"hsts\":false}"), tree(JSON.writeValueAsString(Security.OFF)));
        for (String none : List.of("{\"httpsOnly\":false,\"hsts\":false}", "{\"httpsOnly\":false,\"hsts\":false,\"csp\":null}",
                "{\"httpsOnly\":false,\"hsts\":false,\"csp\":\"  \",\"newer\":1}")) {
            assertEquals(Security.OFF, JSON.readValue(none, Security.class), none);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[]",
            "{}",
            "{\"httpsOnly\":true}",
            "{\"hsts\":true}",
            "{\"httpsOnly\":\"true\",\"hsts\":true}",
            "{\"httpsOnly\":1,\"hsts\":true}",
            "{\"httpsOnly\":null,\"hsts\":true}",
            "{\"httpsOnly\":true,\"hsts\":true,\"csp\":5}",
            "{\"httpsOnly\":true,\"hsts\":true,\"csp\":[\"default-src\"]}",
    })
    void aSecurityBodyWithoutBothFlagsAsBooleansDoesNotRead(String body) {
        assertThrows(JsonProcessingException.class, () -> JSON.readValue(body, Security.class), body);
    }

    @Test
    void pathsAreUnderTheReportedAdminUrl() {
        assertEquals(URI.create("http://127.0.0.1:18081/metrics"),
                RouterAdminApi.uri("http://127.0.0.1:18081", RouterAdminApi.METRICS_PATH));
        assertEquals(URI.create("http://127.0.0.1:18081/backends"),
                RouterAdminApi.uri("http://127.0.0.1:18081/", RouterAdminApi.BACKENDS_PATH));
        assertEquals(URI.create("http://127.0.0.1:18081/security"),
                RouterAdminApi.uri("http://127.0.0.1:18081", RouterAdminApi.SECURITY_PATH));
    }
}
