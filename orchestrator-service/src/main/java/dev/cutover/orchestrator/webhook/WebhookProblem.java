package dev.cutover.orchestrator.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.security.webhook.RefusalReason;
import jakarta.ws.rs.core.Response;

/**
 * RFC 9457 problem for a webhook that is not taken: {@code reason} is the refusal's kind ({@code unsigned},
 * {@code malformed}, {@code bad-signature}, {@code unknown-source}, {@code stale}, {@code replayed}, {@code
 * key-unavailable}, {@code overloaded}). 401 when the request is not authenticated, 503 when we could not check it
 * now.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookProblem(String type, String title, int status, String detail, String reason) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE = "https://cutover.dev/problems/webhook-refused";

    static WebhookProblem of(CiRequestRefused refused) {
        RefusalReason r = refused.reason();
        boolean later = r == RefusalReason.KEY_UNAVAILABLE || r == RefusalReason.OVERLOADED;
        return new WebhookProblem(TYPE, later ? "Webhook cannot be verified now" : "Webhook not authenticated",
                later ? 503 : 401, refused.refusal().describe(), r.kind());
    }

    Response response(ObjectMapper json) {
        try {
            Response.ResponseBuilder b = Response.status(status).type(MEDIA_TYPE).entity(json.writeValueAsString(this));
            if (status == 401) {
                b.header("WWW-Authenticate", "Signature realm=\"cutover-webhooks\"");
            } else {
                b.header("Retry-After", "5");
            }
            return b.build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
