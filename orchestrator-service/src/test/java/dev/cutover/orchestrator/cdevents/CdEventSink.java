package dev.cutover.orchestrator.cdevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An HTTP sink for the emitted CDEvents of every @QuarkusTest in this module (a real HTTP server on a free port,
 * configured as sink {@code test}). It answers 503 to the first delivery of each event of an application whose name
 * starts with {@code cdev-}, 200 to the rest, and writes every delivery with its answer as one JSON line to
 * {@link #LOG} (a file, because the test resource and the tests may not share a class loader).
 */
@QuarkusTestResource(value = CdEventSink.class, restrictToAnnotatedClass = false)
public class CdEventSink implements QuarkusTestResourceLifecycleManager {

    static final Path LOG = Path.of("target/cdevents-sink/received.jsonl").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    /** One delivery: the answer given and the body received. */
    record Delivery(int status, String contentType, JsonNode body) {
    }

    @Override
    public Map<String, String> start() {
        try {
            Files.createDirectories(LOG.getParent());
            Files.deleteIfExists(LOG);
            Files.createFile(LOG);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/cdevents", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = 200;
            try {
                JsonNode event = JSON.readTree(body);
                if (event.path("data").path("subject").path("id").asText("").startsWith("cdev-")
                        && seen.add(event.path("id").asText())) {
                    status = 503;
                }
                String line = JSON.writeValueAsString(Map.of("status", status, "contentType",
                        String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")), "body", event)) + "\n";
                synchronized (this) {
                    Files.writeString(LOG, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                }
            } catch (IOException e) {
                status = 400;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return Map.of("cutover.orchestrator.cdevents.sinks.test.url", "http://127.0.0.1:"
                + server.getAddress().getPort() + "/cdevents");
    }

    /** Every delivery so far. */
    static List<Delivery> deliveries() throws IOException {
        return Files.readAllLines(LOG).stream().filter(l -> !l.isBlank()).map(l -> {
            try {
                JsonNode n = JSON.readTree(l);
                return new Delivery(n.get("status").asInt(), n.get("contentType").asText(), n.get("body"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
