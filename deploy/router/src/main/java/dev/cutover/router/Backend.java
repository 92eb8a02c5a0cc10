package dev.cutover.router;

import io.vertx.httpproxy.HttpProxy;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend the router forwards to (id + url + version), with its own proxy and in-flight count.
 * The same instance survives weight changes; when removed from the set it keeps counting its
 * in-flight requests until they finish ("draining").
 */
final class Backend {

    private final BackendSpec spec;
    private final HttpProxy proxy;
    private final AtomicInteger inflight = new AtomicInteger();

    Backend(BackendSpec spec, HttpProxy proxy) {
        this.spec = spec;
        this.proxy = proxy;
    }

    String id() {
        return spec.id();
    }

    String url() {
        return spec.url();
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

    /** Same backend process: a new spec with this key may reuse this instance. */
    static String key(BackendSpec spec) {
        return spec.id() + "|" + spec.url() + "|" + spec.version().orElse("");
    }

    String key() {
        return key(spec);
    }
}
