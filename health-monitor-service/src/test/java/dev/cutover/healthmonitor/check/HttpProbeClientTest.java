package dev.cutover.healthmonitor.check;

import dev.cutover.events.HealthMonitorEvent.ProbeResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpProbeClientTest {

    static TestHttpServer server;
    static ExecutorService executor = Executors.newFixedThreadPool(2);
    static HttpProbeClient client = new HttpProbeClient(executor, 200);

    @BeforeAll
    static void start() throws Exception {
        server = new TestHttpServer()
                .answer("/health", 200, "{\"status\":\"UP\"}")
                .answer("/empty", 204, "")
                .answer("/down", 503, "{\"status\":\"DOWN\",\n  \"checks\": []}")
                .answer("/big", 500, "x".repeat(1000))
                .answer("/redirect", 302, "")
                .slow("/slow", 2000);
    }

    @AfterAll
    static void stop() {
        server.close();
        executor.shutdownNow();
    }

    @Test
    void twoHundredsPass() throws Exception {
        ProbeResult ok = probe(server.baseUrl(), "/health", 1000);
        assertEquals(200, ok.status());
        assertNull(ok.error());
        assertNull(probe(server.baseUrl() + "/", "/empty", 1000).error());
    }

    @Test
    void otherStatusesFailQuotingTheBody() throws Exception {
        ProbeResult down = probe(server.baseUrl(), "/down", 1000);
        assertEquals(503, down.status());
        assertEquals("answered 503: {\"status\":\"DOWN\", \"checks\": []}", down.error());
        assertEquals("answered 302", probe(server.baseUrl(), "/redirect", 1000).error());
    }

    @Test
    void longBodiesAreTruncated() throws Exception {
        assertEquals("answered 500: " + "x".repeat(200) + "...", probe(server.baseUrl(), "/big", 1000).error());
    }

    @Test
    void slowAnswersTimeOut() throws Exception {
        ProbeResult slow = probe(server.baseUrl(), "/slow", 200);
        assertEquals(0, slow.status());
        assertEquals("timed out after 200 ms", slow.error());
        assertTrue(slow.latencyMs() >= 150 && slow.latencyMs() < 1900, "latency " + slow.latencyMs());
    }

    @Test
    void closedPortIsConnectionRefused() throws Exception {
        ProbeResult refused = probe("http://127.0.0.1:" + TestHttpServer.closedPort(), "/health", 1000);
        assertEquals(0, refused.status());
        assertEquals("connection refused", refused.error());
    }

    private static ProbeResult probe(String base, String path, long timeoutMs) throws Exception {
        return client.probe(URI.create(base), path, timeoutMs).get(10, TimeUnit.SECONDS);
    }
}
