package dev.cutover.rollback.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** Plays a stable slot's {@code /health} on a JDK HttpServer: answers {@link #status}, counts {@link #probes}. */
public final class StableSlot implements AutoCloseable {

    /** What {@code /health} answers; 200 at first. */
    public final AtomicInteger status = new AtomicInteger(200);
    /** How often {@code /health} was asked. */
    public final AtomicInteger probes = new AtomicInteger();
    private final HttpServer server;

    private StableSlot(HttpServer server) {
        this.server = server;
    }

    public static StableSlot start() throws IOException {
        StableSlot slot = new StableSlot(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        slot.server.createContext("/health", exchange -> {
            slot.probes.incrementAndGet();
            exchange.sendResponseHeaders(slot.status.get(), -1);
            exchange.close();
        });
        slot.server.start();
        return slot;
    }

    /** The slot's base URL, as StartRollback carries it. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Stops answering at all (no process behind the port). */
    @Override
    public void close() {
        server.stop(0);
    }
}
