package dev.cutover.orchestrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.orchestrator.model.Violation;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** RFC 9457 problem details, with Cutover's extension members. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance,
                      List<Violation> violations, String activeDeploymentId) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String BASE = "https://cutover.dev/problems/";

    public static Problem invalid(List<Violation> violations) {
        List<String> fields = violations.stream().map(Violation::field).distinct().toList();
        String detail = fields.size() == 1 ? "1 invalid field: " + fields.get(0)
                : fields.size() + " invalid fields: " + String.join(", ", fields);
        return new Problem(BASE + "invalid-request", "Invalid deployment request", 400, detail, null, violations, null);
    }

    /** A strategy the target kind cannot do (blue-green on a scale set, rolling on an App Service). */
    public static Problem unsupportedStrategy(String detail) {
        return new Problem(BASE + "strategy-not-supported-by-target", "Strategy not supported by the target kind",
                400, detail, null, List.of(new Violation("strategy", detail)), null);
    }

    public static Problem conflict(String detail, String activeDeploymentId) {
        return new Problem(BASE + "deployment-active", "Target has an active deployment", 409, detail, null, null,
                activeDeploymentId);
    }

    public static Problem notAllowed(String detail, String id) {
        return new Problem(BASE + "action-not-allowed", "Action not allowed in the current status", 409, detail,
                "/deployments/" + id, null, null);
    }

    public static Problem notFound(String id) {
        return new Problem(BASE + "not-found", "Deployment not found", 404, "no deployment " + id,
                "/deployments/" + id, null, null);
    }

    /** Serialised here so the problem+json media type never depends on a writer being registered for it. */
    public Response response(ObjectMapper json) {
        try {
            return Response.status(status).type(MEDIA_TYPE).entity(json.writeValueAsString(this)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client over its rate limit ({@code RateLimit}); the response carries Retry-After as well. */
    public static Problem tooManyRequests(long retryAfterSeconds) {
        return new Problem(BASE + "rate-limited", "Too many requests", 429,
                "too many state-changing requests from this client; retry after " + retryAfterSeconds + " s", null,
                null, null);
    }

    /** A body larger than the server takes ({@code quarkus.http.limits.max-body-size}); answered before it is read. */
    public static Problem tooLarge(long limitBytes) {
        return new Problem(BASE + "body-too-large", "Request body too large", 413,
                "the request body is larger than " + limitBytes + " bytes", null, null, null);
    }

    /** Seconds a client is told to wait ({@code Retry-After}) when the state cannot be read or written now. */
    public static final long RETRY_AFTER_UNAVAILABLE_SECONDS = 5;

    /**
     * The state topic did not take the write (Kafka away, or no acknowledgement in time): nothing was recorded, so
     * nothing was accepted; the response carries Retry-After.
     */
    public static Problem stateUnavailable() {
        return new Problem(BASE + "state-unavailable", "Deployment state unavailable", 503,
                "the deployment state could not be recorded (Kafka is unavailable); nothing was changed: retry after "
                        + RETRY_AFTER_UNAVAILABLE_SECONDS + " s", null, null, null);
    }

    /** This problem as a response with {@code Retry-After: seconds}. */
    public Response response(ObjectMapper json, long retryAfterSeconds) {
        return Response.fromResponse(response(json)).header(HttpHeaders.RETRY_AFTER, retryAfterSeconds).build();
    }

    public static Problem notReady() {
        return new Problem(BASE + "not-ready", "Orchestrator not ready", 503,
                "deployment state is still being loaded from Kafka", null, null, null);
    }
}
