package dev.cutover.orchestrator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.orchestrator.config.OrchestratorConfig;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A per-client limit on state-changing calls (every POST under {@code /deployments}: a deployment, an operator
 * action, a redeploy), so that one runaway script or caller cannot flood the state topic or starve other operators:
 * a token bucket per remote address ({@code cutover.orchestrator.rate-limit.requests-per-second} and {@code .burst});
 * over it, {@code 429} problem+json with {@code Retry-After}. Reads are not limited. The defaults are generous: a
 * person or a CI pipeline never meets them.
 */
@ApplicationScoped // made at the first request: the config mapping is not there at static init
public class RateLimit {

    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    @Inject
    OrchestratorConfig config;

    @Inject
    ObjectMapper json;

    @ServerRequestFilter(preMatching = true)
    public Response limit(ContainerRequestContext request, HttpServerRequest http) {
        if (!"POST".equals(request.getMethod()) || !request.getUriInfo().getPath().startsWith("/deployments")) {
            return null;
        }
        long now = System.nanoTime();
        OrchestratorConfig.RateLimit limit = config.rateLimit();
        long retryAfter = buckets.computeIfAbsent(client(http),
                k -> new TokenBucket(limit.requestsPerSecond(), limit.burst(), now)).take(now);
        if (retryAfter == 0) {
            return null;
        }
        return Response.fromResponse(Problem.tooManyRequests(retryAfter).response(json))
                .header(HttpHeaders.RETRY_AFTER, retryAfter).build();
    }

    private static String client(HttpServerRequest http) {
        SocketAddress remote = http.remoteAddress();
        return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    }

    /** A client whose bucket has filled up again is like one never seen: its entry goes, so the map stays small. */
    @Scheduled(every = "60s", delayed = "60s")
    void forgetIdleClients() {
        long now = System.nanoTime();
        buckets.values().removeIf(b -> b.full(now));
    }
}
