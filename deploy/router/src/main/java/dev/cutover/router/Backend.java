package dev.cutover.router;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.HttpProxy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A backend the router forwards to (id + members + version), with its own proxy and in-flight count.
 * The same instance survives weight changes; when removed from the set it keeps counting its
 * in-flight requests until they finish ("draining").
 *
 * <p>A backend may have several members (the instances of one slot). They take its requests in turn
 * (round-robin), and everything the router counts (in flight, metrics) is the backend's, whatever member
 * answered: to the rest of Cutover a slot is one backend. A member that cannot be connected to is skipped
 * for that request: the next member is tried, which is safe because nothing of the request was sent yet; only
 * when no member takes the connection does the request fail (502).</p>
 */
final class Backend {

    private final BackendSpec spec;
    private final List<BackendSpec.Member> members;
    private final HttpProxy proxy;
    private final AtomicInteger inflight = new AtomicInteger();
    private final AtomicInteger turn = new AtomicInteger();

    /** {@code proxy}: makes the backend's proxy from the function that opens a request to one of its members. */
    Backend(BackendSpec spec, Function<Function<HttpClient, Future<HttpClientRequest>>, HttpProxy> proxy) {
        this.spec = spec;
        this.members = spec.endpoints();
        this.proxy = proxy.apply(this::connect);
    }

    String id() {
        return spec.id();
    }

    String url() {
        return spec.url();
    }

    List<String> urls() {
        return spec.members();
    }

    String version() {
        return spec.version().orElse("unknown");
    }

    HttpProxy proxy() {
        return proxy;
    }

    int inflight() {
        return inflight.get();
    }

    void acquire() {
        inflight.incrementAndGet();
    }

    void release() {
        inflight.decrementAndGet();
    }

    /** A request to the member whose turn it is, or to the next one that accepts the connection. */
    Future<HttpClientRequest> connect(HttpClient client) {
        int first = Math.floorMod(turn.getAndIncrement(), members.size());
        return connect(client, first, 0);
    }

    private Future<HttpClientRequest> connect(HttpClient client, int first, int tried) {
        BackendSpec.Member member = members.get((first + tried) % members.size());
        return client.request(new RequestOptions().setServer(SocketAddress.inetSocketAddress(member.port(), member.host())))
                .recover(failure -> tried + 1 < members.size()
                        ? connect(client, first, tried + 1) // not connected: nothing was sent, another member may take it
                        : Future.failedFuture(failure));
    }

    /** Same backend processes: a new spec with this key may reuse this instance. */
    static String key(BackendSpec spec) {
        return spec.id() + "|" + spec.url() + "|" + String.join(",", spec.members()) + "|" + spec.version().orElse("");
    }

    String key() {
        return key(spec);
    }
}
