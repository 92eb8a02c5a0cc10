package dev.cutover.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;

/**
 * Control + metrics API (127.0.0.1 only):
 * {@code PUT /backends} replaces the set, {@code GET /backends} shows it with in-flight counts,
 * {@code GET /health}, {@code GET /metrics} (Prometheus text).
 */
final class AdminApi implements Handler<HttpServerRequest> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    private final Router router;

    AdminApi(Router router) {
        this.router = router;
    }

    @Override
    public void handle(HttpServerRequest request) {
        String path = request.path();
        HttpMethod method = request.method();
        switch (path) {
            case "/backends" -> {
                if (method.equals(HttpMethod.GET)) {
                    json(request, 200, backends());
                } else if (method.equals(HttpMethod.PUT)) {
                    putBackends(request);
                } else {
                    error(request, 405, "use GET or PUT on /backends");
                }
            }
            case "/health" -> json(request, 200, JSON.createObjectNode().put("status", "UP").put("target", router.target()));
            case "/metrics" -> request.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(router.metrics().scrape());
            default -> error(request, 404, "no such admin endpoint: " + path);
        }
    }

    private void putBackends(HttpServerRequest request) {
        request.body().onComplete(ar -> {
            if (ar.failed()) {
                error(request, 400, "cannot read body: " + ar.cause().getMessage());
                return;
            }
            if (ar.result().length() > MAX_BODY) {
                error(request, 413, "body larger than " + MAX_BODY + " bytes");
                return;
            }
            List<BackendSpec> specs;
            try {
                specs = BackendSpec.parseAll(JSON.readTree(ar.result().getBytes()));
            } catch (JsonProcessingException e) {
                error(request, 400, "body is not valid JSON: " + e.getOriginalMessage());
                return;
            } catch (IllegalArgumentException | java.io.IOException e) {
                error(request, 400, e.getMessage());
                return;
            }
            router.setBackends(specs);
            json(request, 200, backends());
        });
    }

    private ObjectNode backends() {
        ObjectNode out = JSON.createObjectNode().put("target", router.target());
        BackendSet table = router.table();
        out.put("totalWeight", table.totalWeight());
        ArrayNode list = out.putArray("backends");
        for (BackendSet.Route route : table.routes()) {
            Backend b = route.backend();
            ObjectNode node = list.addObject()
                    .put("id", b.id())
                    .put("url", b.url())
                    .put("weight", route.weight());
            node.put("version", b.version());
            node.put("inflight", b.inflight());
        }
        ArrayNode draining = out.putArray("draining");
        for (Backend b : router.draining()) {
            draining.addObject().put("id", b.id()).put("url", b.url()).put("version", b.version()).put("inflight", b.inflight());
        }
        return out;
    }

    private static void error(HttpServerRequest request, int status, String message) {
        json(request, status, JSON.createObjectNode().put("error", message));
    }

    private static void json(HttpServerRequest request, int status, JsonNode body) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
    }
}
