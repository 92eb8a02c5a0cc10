package dev.cutover.orchestrator.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;

/**
 * How REST bodies are read: strictly (one JSON value, no duplicate keys, no field the body type does not have, a
 * number or boolean where a string belongs is a type error rather than text), and as JSON whatever the Content-Type
 * says, so that {@code curl -d} (a form type) and an operator action without a body keep working as they did before
 * the bodies were typed. A body declared larger than {@code quarkus.http.limits.max-body-size} is refused before it
 * is read, as {@code 413 application/problem+json} ({@link #refuseOversized}).
 */
@Singleton
public class JsonBodies implements ObjectMapperCustomizer {

    /** Before Quarkus's own body-size check (order -2), which answers 413 with no body. */
    static final int BODY_LIMIT_ORDER = -3;

    /** This class customises the application's mapper, so it cannot use it: the problem is written with its own. */
    private static final ObjectMapper PROBLEMS = new ObjectMapper();

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    Optional<MemorySize> maxBodySize;

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }

    @ServerRequestFilter(preMatching = true)
    public void readAsJson(ContainerRequestContext request) {
        MediaType type = request.getMediaType();
        if ("POST".equals(request.getMethod()) && (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE))
                && request.getUriInfo().getPath().startsWith("/deployments")) {
            request.getHeaders().putSingle(jakarta.ws.rs.core.HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
    }

    /**
     * A request whose Content-Length is over the limit: {@code 413} as problem+json, and the connection closed (the
     * body is not read). A body without a length (chunked) that grows past the limit is cut off by Quarkus itself.
     */
    void refuseOversized(@Observes Router router) {
        if (maxBodySize.isEmpty()) {
            return;
        }
        long limit = maxBodySize.get().asLongValue();
        router.route().order(BODY_LIMIT_ORDER).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            long declared;
            try {
                declared = length == null ? -1 : Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1; // Vert.x refuses a malformed length itself
            }
            if (declared <= limit) {
                ctx.next();
                return;
            }
            String body;
            try {
                body = PROBLEMS.writeValueAsString(Problem.tooLarge(limit));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .endHandler(ignored -> ctx.request().connection().close())
                    .end(body);
        });
    }
}
