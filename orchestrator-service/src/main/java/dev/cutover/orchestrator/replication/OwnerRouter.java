package dev.cutover.orchestrator.replication;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.api.Problem;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes go to the owner of their target. A REST write (POST /deployments, an operator action, a redeploy, a CI
 * webhook) for a target this replica does not own is forwarded over HTTP to the owner named on the members topic,
 * with the caller's headers (its Authorization among them) and body; the owner's response is returned as it is.
 * While no live owner is known (at start-up, during a take-over: a dead owner's claim stands until the group has
 * handed its partitions on, within the session timeout) it waits up to {@code owner-wait}, then answers 503
 * problem+json with Retry-After. A forwarded call is never forwarded again (no loops while ownership moves).
 */
@ApplicationScoped
public class OwnerRouter {

    /** Set on a forwarded call: the replica that forwarded it. */
    public static final String FORWARDED_BY = "X-Cutover-Forwarded-By";

    private static final Logger LOG = Logger.getLogger(OwnerRouter.class);
    private static final String PROBLEM_BASE = "https://cutover.dev/problems/";
    private static final long RETRY_AFTER_SECONDS = 5;
    /** Not to be set by us (the JDK client sets them itself, or refuses them) or only meaningful on one hop. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding", "keep-alive", "te", "trailer", "proxy-authorization", "http2-settings");
    private static final Set<String> RESPONSE_HEADERS = Set.of("content-type", "location", "retry-after",
            "www-authenticate");

    @Inject
    Ownership ownership;

    @Inject
    ReplicationConfig config;

    @Inject
    CurrentVertxRequest current;

    @Inject
    ObjectMapper json;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    /**
     * @param body the request's body: bytes as received, an object to write as JSON, or null
     * @return empty when this replica owns the target (carry on here); else the response to give: the owner's, or
     * 503 when no live owner is known
     */
    public Optional<Response> route(Target target, Object body) throws InterruptedException {
        if (ownership.owns(target)) {
            return Optional.empty();
        }
        io.vertx.ext.web.RoutingContext context = current.getCurrent();
        if (context == null) {
            // not an HTTP call (cannot happen for the resources): nothing to forward
            return Optional.of(unavailable(target, "this orchestrator replica does not own the target"));
        }
        HttpServerRequest request = context.request();
        String forwardedBy = request.getHeader(FORWARDED_BY);
        long deadline = System.nanoTime() + config.ownerWait().toNanos();
        while (true) {
            if (ownership.owns(target)) {
                return Optional.empty();
            }
            Optional<MemberClaim> owner = ownership.ownerOf(target);
            if (forwardedBy == null && owner.isPresent() && !owner.get().replicaId().equals(ownership.replicaId())) {
                try {
                    return Optional.of(forward(request, owner.get(), bytes(body)));
                } catch (ConnectException | HttpConnectTimeoutException e) {
                    // nothing was sent: the owner is gone (its partitions move on within the session timeout)
                    LOG.debugf("owner %s of %s not reachable (%s)", owner.get().replicaId(), target.key(), e);
                } catch (IOException e) {
                    // perhaps done there: never sent twice
                    LOG.warnf("forwarding to owner %s of %s failed: %s", owner.get().replicaId(), target.key(),
                            e.toString());
                    return Optional.of(unavailable(target, "the owner of the target did not answer"));
                }
            }
            if (System.nanoTime() > deadline) {
                return Optional.of(unavailable(target, forwardedBy != null
                        ? "the target is moving between orchestrator replicas"
                        : "no live orchestrator replica owns the target yet"));
            }
            Thread.sleep(200);
        }
    }

    private Response forward(HttpServerRequest in, MemberClaim owner, byte[] body)
            throws IOException, InterruptedException {
        String uri = in.uri();
        HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(stripSlash(owner.url()) + uri))
                .timeout(config.forwardTimeout())
                .method(in.method().name(), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, String> h : in.headers()) {
            if (!NOT_FORWARDED.contains(h.getKey().toLowerCase(Locale.ROOT))
                    && !h.getKey().equalsIgnoreCase(FORWARDED_BY)) {
                out.header(h.getKey(), h.getValue());
            }
        }
        if (body != null && in.getHeader(HttpHeaders.CONTENT_TYPE) == null) {
            out.header(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        out.header(FORWARDED_BY, ownership.replicaId());
        HttpResponse<byte[]> answer = http.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
        LOG.debugf("%s %s forwarded to owner %s: %d", in.method(), uri, owner.replicaId(), answer.statusCode());
        Response.ResponseBuilder r = Response.status(answer.statusCode());
        answer.headers().map().forEach((name, values) -> {
            if (RESPONSE_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> r.header(name, v));
            }
        });
        byte[] content = answer.body();
        if (content != null && content.length > 0) {
            r.entity(content);
        }
        return r.build();
    }

    private Response unavailable(Target target, String detail) {
        Problem p = new Problem(PROBLEM_BASE + "owner-unavailable", "Target owner unavailable", 503,
                detail + " (" + target.key() + "); try again shortly", null, null, null);
        return Response.fromResponse(p.response(json)).header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS).build();
    }

    /** 503 + Retry-After for a write that lost its target to another replica while it ran. */
    public Response notOwner(NotOwnerException e) {
        return unavailable(e.target(), "the target moved to another orchestrator replica");
    }

    private byte[] bytes(Object body) {
        if (body == null || body instanceof byte[]) {
            return (byte[]) body;
        }
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
