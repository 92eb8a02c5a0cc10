package dev.cutover.orchestrator.notifications;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The notification sinks of every @QuarkusTest in this module (real HTTP servers on a free port): {@code /chat}
 * answers 503 to the first two attempts of each delivery (by {@code webhook-id}) and 200 to the third; {@code /audit}
 * answers 200; {@code /down} always 500. Every attempt is written with its headers, body and answer to {@link #LOG}.
 */
@QuarkusTestResource(value = NotificationSink.class, restrictToAnnotatedClass = false)
public class NotificationSink implements QuarkusTestResourceLifecycleManager {

    static final Path LOG = Path.of("target/notification-sink/received.jsonl").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    record Attempt(String path, int status, Map<String, String> headers, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
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
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            int status = switch (path) {
                case "/chat" -> attempts.computeIfAbsent(String.valueOf(headers.get("webhook-id")),
                        k -> new AtomicInteger()).incrementAndGet() <= 2 ? 503 : 200;
                case "/audit" -> 200;
                default -> 500;
            };
            String line = JSON.writeValueAsString(Map.of("path", path, "status", status, "headers", headers,
                    "body", body)) + "\n";
            synchronized (this) {
                Files.writeString(LOG, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("cutover.orchestrator.notifications.sinks.chat.url", base + "/chat",
                "cutover.orchestrator.notifications.sinks.audit.url", base + "/audit",
                "cutover.orchestrator.notifications.sinks.down.url", base + "/down");
    }

    @SuppressWarnings("unchecked")
    static List<Attempt> attempts() throws IOException {
        return Files.readAllLines(LOG).stream().filter(l -> !l.isBlank()).map(l -> {
            try {
                Map<String, Object> m = JSON.readValue(l, Map.class);
                return new Attempt((String) m.get("path"), (Integer) m.get("status"),
                        (Map<String, String>) m.get("headers"), (String) m.get("body"));
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
