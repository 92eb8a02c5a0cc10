package dev.cutover.azure.standin.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cutover.azure.standin.Metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The stable host name of one App Service slot: {@code 127.0.0.1:<port>}, forwarding to whatever content the slot
 * holds now (a swap exchanges contents, the host names stay). The production slot's proxy sends the ramp-up share
 * to the staging content (deterministically: exactly {@code percent} of every hundred requests). Every request is
 * recorded in {@link Metrics} under the slot resource whose content served it.
 */
final class SlotProxy implements AutoCloseable {

    /** Where a request goes: the content's port (null: nothing runs) and the resource id it is counted for. */
    record Destination(Integer port, String resourceId) {
    }

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
            "keep-alive", "upgrade", "expect");

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final Supplier<Destination> own;
    private final Supplier<Destination> ramp;
    private final Supplier<Integer> rampPercent;
    private final Metrics metrics;
    private final AtomicLong counter = new AtomicLong();

    SlotProxy(Supplier<Destination> own, Supplier<Destination> ramp, Supplier<Integer> rampPercent, Metrics metrics)
            throws IOException {
        this.own = own;
        this.ramp = ramp;
        this.rampPercent = rampPercent;
        this.metrics = metrics;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "app-service-slot-proxy");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::forward);
        server.start();
    }

    /** {@code 127.0.0.1:<port>}: the slot's {@code defaultHostName}. */
    String hostName() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private Destination choose() {
        int percent = rampPercent == null ? 0 : rampPercent.get();
        if (percent > 0) {
            long n = counter.getAndIncrement();
            // exactly `percent` of each hundred consecutive requests, spread evenly
            if ((n + 1) * percent / 100 > n * percent / 100) {
                return ramp.get();
            }
        }
        return own.get();
    }

    private void forward(HttpExchange exchange) throws IOException {
        long t0 = System.nanoTime();
        Destination destination = choose();
        int status;
        try (exchange) {
            if (destination.port() == null) {
                status = 503;
                byte[] body = "{\"error\":\"the slot runs nothing (stopped or no package)\"}".getBytes();
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            } else {
                status = proxy(exchange, destination.port());
            }
        }
        metrics.record(destination.resourceId(), Instant.now(), status, (System.nanoTime() - t0) / 1e6);
    }

    private int proxy(HttpExchange exchange, int port) throws IOException {
        byte[] requestBody;
        try (InputStream in = exchange.getRequestBody()) {
            requestBody = in.readAllBytes();
        }
        String query = exchange.getRequestURI().getRawQuery();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), requestBody.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(requestBody));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                values.forEach(v -> request.header(name, v));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            byte[] body = ("{\"error\":\"bad gateway: " + e.getClass().getSimpleName() + "\"}").getBytes();
            exchange.sendResponseHeaders(502, body.length);
            exchange.getResponseBody().write(body);
            return 502;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(502, -1);
            return 502;
        }
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                values.forEach(v -> exchange.getResponseHeaders().add(name, v));
            }
        });
        byte[] body = response.body();
        boolean empty = body.length == 0 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : body.length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        return response.statusCode();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
