package dev.cutover.router;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The local data plane for one application/environment: a weighted reverse proxy on the traffic port
 * and a control + metrics API on the admin port (127.0.0.1 only).
 *
 * <p>The routing table is an immutable {@link BackendSet} behind an {@link AtomicReference}: a weight change
 * is one reference swap, so it applies to the next request and never to one already started. The
 * {@link SecurityPolicy} (HTTPS redirect, HSTS, CSP) is swapped the same way.</p>
 */
public final class Router implements AutoCloseable {

    public static final String BACKEND_HEADER = "X-Cutover-Backend";
    private static final String LOOPBACK = "127.0.0.1";
    private static final long DRAIN_MILLIS = 5_000;

    private final String target;
    private final Vertx vertx;
    private final HttpClient client;
    private final RouterMetrics metrics = new RouterMetrics();
    private final AtomicReference<BackendSet> table = new AtomicReference<>(BackendSet.EMPTY);
    private final AtomicReference<SecurityPolicy> security = new AtomicReference<>(SecurityPolicy.OFF);
    private final Set<Backend> draining = ConcurrentHashMap.newKeySet();
    private HttpServer traffic;
    private HttpServer admin;

    private Router(String target) {
        this.target = target;
        this.vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(2)
                .setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(2)
                .setFileSystemOptions(new FileSystemOptions()
                        .setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setConnectTimeout(2_000)
                        // below the JDK HttpServer's 30 s idle close, so we never reuse a connection it is closing
                        .setKeepAliveTimeout(10),
                new PoolOptions().setHttp1MaxSize(256));
    }

    /**
     * Starts a router and waits until both ports listen.
     *
     * @param target    the application/environment it serves, e.g. {@code shop/production}
     * @param port      traffic port (0 picks a free one)
     * @param adminPort admin port, bound to 127.0.0.1 (0 picks a free one)
     */
    public static Router start(String target, int port, int adminPort) {
        return start(target, LOOPBACK, port, adminPort);
    }

    public static Router start(String target, String bindHost, int port, int adminPort) {
        Router router = new Router(target);
        try {
            router.traffic = await(router.vertx.createHttpServer(new HttpServerOptions()
                            .setHttp2ClearTextEnabled(false))
                    .requestHandler(router::forward)
                    .listen(port, bindHost));
            router.admin = await(router.vertx.createHttpServer()
                    .requestHandler(new AdminApi(router))
                    .listen(adminPort, LOOPBACK));
            return router;
        } catch (RuntimeException e) {
            router.close();
            throw e;
        }
    }

    public String target() {
        return target;
    }

    public int port() {
        return traffic.actualPort();
    }

    public int adminPort() {
        return admin.actualPort();
    }

    /** Replaces the whole backend set atomically (what {@code PUT /backends} does). */
    public synchronized void setBackends(List<BackendSpec> specs) {
        BackendSet old = table.get();
        Map<String, Backend> reusable = new HashMap<>();
        old.routes().forEach(r -> reusable.put(r.backend().key(), r.backend()));
        draining.forEach(b -> reusable.putIfAbsent(b.key(), b));

        List<BackendSet.Route> routes = new ArrayList<>();
        for (BackendSpec spec : specs) {
            Backend backend = reusable.remove(Backend.key(spec));
            if (backend == null) {
                backend = new Backend(spec, connect -> proxyTo(spec, connect));
            }
            metrics.register(spec.id());
            routes.add(new BackendSet.Route(backend, spec.weight()));
        }
        table.set(BackendSet.of(routes));
        routes.forEach(r -> draining.remove(r.backend()));
        draining.addAll(reusable.values()); // removed: they drain (and are listed) until their in-flight count is 0
        draining.removeIf(b -> b.inflight() == 0);
    }

    BackendSet table() {
        return table.get();
    }

    /** Replaces the HTTPS redirect and security headers (what {@code PUT /security} does): the next request sees it. */
    public void setSecurity(SecurityPolicy policy) {
        security.set(policy == null ? SecurityPolicy.OFF : policy);
    }

    public SecurityPolicy security() {
        return security.get();
    }

    /** Removed backends that still have requests in flight. */
    List<Backend> draining() {
        draining.removeIf(b -> b.inflight() == 0);
        return List.copyOf(draining);
    }

    /** Requests in flight on all backends, including removed ones still draining. */
    int inflight() {
        return table.get().routes().stream().mapToInt(r -> r.backend().inflight()).sum()
                + draining.stream().mapToInt(Backend::inflight).sum();
    }

    RouterMetrics metrics() {
        return metrics;
    }

    /** A proxy that sends each request to the backend member {@code connect} opens it to. */
    private HttpProxy proxyTo(BackendSpec spec, Function<HttpClient, Future<HttpClientRequest>> connect) {
        return HttpProxy.reverseProxy(client)
                .origin(context -> connect.apply(context.client()))
                .addInterceptor(new ProxyInterceptor() {
                    @Override
                    public Future<Void> handleProxyResponse(ProxyContext context) {
                        context.response().putHeader(BACKEND_HEADER, spec.id());
                        return context.sendResponse();
                    }
                });
    }

    private void forward(HttpServerRequest request) {
        SecurityPolicy policy = security.get(); // one policy for the whole request
        HttpServerResponse response = request.response();
        if (policy.httpsOnly() && !SecurityPolicy.arrivedOverHttps(request)) {
            redirectToHttps(request, response);
            return;
        }
        if (policy.addsHeaders()) {
            // every answer on the traffic port: the backend's (replacing its own), a 502 from the proxy, our 503
            response.headersEndHandler(v -> policy.addHeaders(response.headers()));
        }
        Backend backend = table.get().pick();
        if (backend == null) {
            metrics.unrouted();
            response.setStatusCode(503)
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("no active backend for " + target + ": no backend has weight > 0\n");
            return;
        }
        long start = System.nanoTime();
        backend.acquire();
        metrics.started(backend.id());
        boolean[] done = {false}; // both handlers run on this request's event loop
        response.endHandler(v -> {
            if (!done[0]) {
                done[0] = true;
                backend.release();
                metrics.finished(backend.id(), backend.version(), response.getStatusCode(), System.nanoTime() - start);
            }
        });
        response.closeHandler(v -> {
            if (!done[0]) {
                done[0] = true;
                backend.release();
                metrics.finished(backend.id(), backend.version(), -1, System.nanoTime() - start);
            }
        });
        backend.proxy().handle(request);
    }

    /** 308 to the same host and path over HTTPS; the request never reaches a backend. */
    private static void redirectToHttps(HttpServerRequest request, HttpServerResponse response) {
        var location = SecurityPolicy.httpsUrl(request);
        if (location.isEmpty()) {
            response.setStatusCode(400)
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("HTTPS required, and the request names no host to redirect to\n");
            return;
        }
        response.setStatusCode(308)
                .putHeader("Location", location.get())
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("HTTPS required: " + location.get() + "\n");
    }

    /**
     * Waits up to {@code DRAIN_MILLIS} for requests in flight to finish (Vert.x 4 cannot stop accepting without
     * also closing open connections), then closes both ports and releases Vert.x.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        while (inflight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            if (traffic != null) {
                await(traffic.close());
            }
            if (admin != null) {
                await(admin.close());
            }
        } catch (RuntimeException ignored) {
            // closing anyway
        } finally {
            await(vertx.close());
            metrics.close();
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out", e);
        }
    }
}
