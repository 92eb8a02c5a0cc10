package dev.cutover.azure.standin.compute;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A load balancer's frontend on 127.0.0.1: every request goes, round robin, to one member of the backend pool as the
 * pool is at that moment, over real HTTP. Picking a member and counting the request in flight to it happen under the
 * scale set's lock, so an instance taken out of the pool gets no request after that and its in-flight count is exact
 * (a delete or upgrade waits for it to reach 0: the connection draining Azure Load Balancer does). No retry on
 * another member: an L4 load balancer does not retry either, so a failed request is counted by the caller.
 */
final class FrontendProxy implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "keep-alive",
            "transfer-encoding", "upgrade", "expect", "te", "trailer", "proxy-connection");

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final Supplier<ComputeStandIn.Instance> pick;

    /** {@code pick} answers a member with its in-flight count already raised, or null when the pool is empty. */
    FrontendProxy(Supplier<ComputeStandIn.Instance> pick) throws IOException {
        this.pick = pick;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lb-frontend");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).executor(executor).build();
        server.setExecutor(executor);
        server.createContext("/", this::forward);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            ComputeStandIn.Instance member = pick.get();
            if (member == null) {
                send(exchange, 503, "no healthy instance in the backend pool\n".getBytes());
                return;
            }
            try {
                String query = exchange.getRequestURI().getRawQuery();
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + member.port()
                                + exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query)))
                        .timeout(Duration.ofSeconds(30))
                        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                        values.forEach(v -> request.header(name, v));
                    }
                });
                HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                response.headers().map().forEach((name, values) -> {
                    if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                        exchange.getResponseHeaders().put(name, List.copyOf(values));
                    }
                });
                send(exchange, response.statusCode(), response.body());
            } catch (IOException e) {
                send(exchange, 502, ("instance " + member.name() + " did not answer: " + e + "\n").getBytes());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                send(exchange, 502, "interrupted\n".getBytes());
            } finally {
                member.inflight().decrementAndGet();
            }
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
