package dev.cutover.healthmonitor.check;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** A real local HTTP server for probes: fixed answers, scripted answers by request number, slow answers. */
public final class TestHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    public TestHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public TestHttpServer answer(String path, int status, String body) {
        return script(path, n -> status, body);
    }

    /** {@code status} gets the 1-based number of the request to this path. */
    public TestHttpServer script(String path, IntFunction<Integer> status, String body) {
        AtomicInteger count = new AtomicInteger();
        server.createContext(path, exchange -> respond(exchange, status.apply(count.incrementAndGet()), body, 0));
        return this;
    }

    public TestHttpServer slow(String path, long delayMs) {
        server.createContext(path, exchange -> respond(exchange, 200, "{\"status\":\"UP\"}", delayMs));
        return this;
    }

    /** The most requests this server handled at the same time. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    private void respond(HttpExchange exchange, int status, String body, long delayMs) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            if (delayMs > 0) {
                Thread.sleep(delayMs); // the slow application under test, not the test waiting
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    /** A port nothing listens on. */
    public static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
