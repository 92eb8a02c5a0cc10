package dev.cutover.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.events.router.RouterAdminApi;
import dev.cutover.events.router.RouterAdminApi.BackendTable;
import dev.cutover.events.router.RouterAdminApi.DrainingBackend;
import dev.cutover.events.router.RouterAdminApi.ErrorBody;
import dev.cutover.events.router.RouterAdminApi.Health;
import dev.cutover.events.router.RouterAdminApi.RoutedBackend;
import dev.cutover.events.router.RouterAdminApi.Security;
import dev.cutover.events.router.RouterAdminApi.SetBackends;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Control + metrics API (127.0.0.1 only), as {@link RouterAdminApi} describes it:
 * {@code PUT /backends} replaces the set, {@code GET /backends} shows it with in-flight counts,
 * {@code PUT /security} replaces the HTTPS redirect and security headers, {@code GET /security} shows them,
 * {@code GET /health}, {@code GET /metrics} (Prometheus text).
 */
final class AdminApi implements Handler<HttpServerRequest> {

    private static final ObjectMapper JSON = RouterAdminApi.mapper();
    private static final int MAX_BODY = 64 * 1024;

    private final Router router;
    private final Setting<SetBackends, List<BackendSpec>> backendSet;
    private final Setting<Security, SecurityPolicy> security;

    AdminApi(Router router) {
        this.router = router;
        backendSet = new Setting<>(RouterAdminApi.BACKENDS_PATH, SetBackends.class,
                "backend set {\"backends\":[{id, url, weight, version, urls}]}", BackendSpec::of, router::setBackends,
                this::backends);
        security = new Setting<>(RouterAdminApi.SECURITY_PATH, Security.class,
                "security setting {\"httpsOnly\": boolean, \"hsts\": boolean, \"csp\"?: string}", SecurityPolicy::of,
                router::setSecurity, () -> router.security().asSecurity());
    }

    /**
     * What the API shows on GET and replaces on PUT at {@code path}: the body, a {@code bodyType} ({@code expected}
     * describes it in errors), becomes a setting by {@code parse} (an IllegalArgumentException rejects it) and is put in
     * force by {@code apply}; both methods answer with {@code inForce}.
     */
    private record Setting<B, S>(String path, Class<B> bodyType, String expected, Function<B, S> parse,
                                 Consumer<S> apply, Supplier<Object> inForce) {
    }

    @Override
    public void handle(HttpServerRequest request) {
        String path = request.path();
        switch (path) {
            case RouterAdminApi.BACKENDS_PATH -> getOrPut(request, backendSet);
            case RouterAdminApi.SECURITY_PATH -> getOrPut(request, security);
            case RouterAdminApi.HEALTH_PATH -> json(request, 200, new Health("UP", router.target()));
            case RouterAdminApi.METRICS_PATH -> request.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(router.metrics().scrape());
            default -> error(request, 404, "no such admin endpoint: " + path);
        }
    }

    private static void getOrPut(HttpServerRequest request, Setting<?, ?> setting) {
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.GET)) {
            json(request, 200, setting.inForce().get());
        } else if (method.equals(HttpMethod.PUT)) {
            put(request, setting);
        } else {
            error(request, 405, "use GET or PUT on " + setting.path());
        }
    }

    private static <B, S> void put(HttpServerRequest request, Setting<B, S> setting) {
        request.body().onComplete(ar -> {
            if (ar.failed()) {
                error(request, 400, "cannot read body: " + ar.cause().getMessage());
                return;
            }
            if (ar.result().length() > MAX_BODY) {
                error(request, 413, "body larger than " + MAX_BODY + " bytes");
                return;
            }
            S value;
            try {
                value = setting.parse().apply(JSON.readValue(ar.result().getBytes(), setting.bodyType()));
            } catch (JsonMappingException e) {
                error(request, 400, "not a " + setting.expected() + at(e) + ": " + e.getOriginalMessage());
                return;
            } catch (JsonProcessingException e) {
                error(request, 400, "body is not valid JSON: " + e.getOriginalMessage());
                return;
            } catch (IllegalArgumentException | java.io.IOException e) {
                error(request, 400, e.getMessage());
                return;
            }
            setting.apply().accept(value);
            json(request, 200, setting.inForce().get());
        });
    }

    /** Where in the body a mapping error is, e.g. {@code " at backends[0].weight"}. */
    private static String at(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining());
        return path.isEmpty() ? "" : " at " + path.substring(path.startsWith(".") ? 1 : 0);
    }

    private BackendTable backends() {
        BackendSet table = router.table();
        List<RoutedBackend> routed = table.routes().stream()
                .map(route -> new RoutedBackend(route.backend().id(), route.backend().url(), route.weight(),
                        route.backend().version(), route.backend().inflight(), route.backend().urls()))
                .toList();
        List<DrainingBackend> draining = router.draining().stream()
                .map(b -> new DrainingBackend(b.id(), b.url(), b.version(), b.inflight(), b.urls()))
                .toList();
        return new BackendTable(router.target(), table.totalWeight(), routed, draining);
    }

    private static void error(HttpServerRequest request, int status, String message) {
        json(request, status, new ErrorBody(message));
    }

    private static void json(HttpServerRequest request, int status, Object body) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body, e);
        }
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(text);
    }
}
