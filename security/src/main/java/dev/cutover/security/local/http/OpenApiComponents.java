package dev.cutover.security.local.http;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import java.util.List;

/**
 * What every service's OpenAPI document shares ({@code mp.openapi.filter}): the security schemes (a bearer JWT from
 * the OIDC issuer or the local signing key; a CI webhook's body signature) and the RFC 9457 problem every refusal
 * answers with ({@code application/problem+json}). Resources refer to the schemes by name ({@link #BEARER},
 * {@link #WEBHOOK_SIGNATURE}); a 4xx/5xx response a resource declares without content gets the problem body here,
 * and every bearer-protected operation gets its 401.
 */
public class OpenApiComponents implements OASFilter {

    /** The bearer-token scheme: {@code Authorization: Bearer <JWT>} whose claims carry the caller's grants. */
    public static final String BEARER = "bearer";
    /** The CI webhook scheme: the body signed under the source's key (Standard Webhooks or GitHub). */
    public static final String WEBHOOK_SIGNATURE = "webhook-signature";
    /** The problem schema's name, and the reference a response's content uses. */
    public static final String PROBLEM = "Problem";
    private static final String PROBLEM_JSON = AuthProblemResponses.PROBLEM_JSON;

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents() != null ? openAPI.getComponents()
                : OASFactory.createComponents();
        components.addSecurityScheme(BEARER, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").bearerFormat("JWT")
                .description("A JWT from the configured OIDC issuer (or the local signing key) whose grants claim "
                        + "names the caller's role per application and environment"));
        components.addSecurityScheme(WEBHOOK_SIGNATURE, OASFactory.createSecurityScheme()
                .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name("webhook-signature")
                .description("Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature (HMAC-SHA256 "
                        + "of id.timestamp.body under the source's key); a source configured with signature=github "
                        + "sends X-Hub-Signature-256 instead"));
        components.addSchema(PROBLEM, problem());
        openAPI.setComponents(components);
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().forEach(op -> {
            if (op.getResponses() == null) {
                return;
            }
            // every bearer-protected operation can answer 401: the HTTP layer refuses a missing or invalid token
            // before the resource runs (AuthProblemResponses), so no resource declares it itself
            boolean bearer = op.getSecurity() != null && op.getSecurity().stream()
                    .anyMatch(r -> r.getSchemes() != null && r.getSchemes().containsKey(BEARER));
            if (bearer && !op.getResponses().hasAPIResponse("401")) {
                op.getResponses().addAPIResponse("401", OASFactory.createAPIResponse()
                        .description("no valid bearer token (missing, expired, wrong issuer or audience, bad "
                                + "signature); WWW-Authenticate: Bearer"));
            }
            // every refusal is a problem: a resource names the code and why, the body is always this one
            op.getResponses().getAPIResponses().forEach((code, response) -> {
                boolean refusal = code.startsWith("4") || code.startsWith("5");
                if (refusal && (response.getContent() == null || response.getContent().getMediaTypes() == null
                        || response.getContent().getMediaTypes().isEmpty())) {
                    response.setContent(OASFactory.createContent().addMediaType(PROBLEM_JSON,
                            OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM))));
                }
            });
        }));
    }

    private static Schema problem() {
        Schema text = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        Schema violation = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .addProperty("field", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("the request field, dotted (overrides.canary.steps)"))
                .addProperty("message", text);
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details, with Cutover's extension members")
                .required(List.of("type", "title", "status"))
                .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uri")
                        .description("https://cutover.dev/problems/<kind>"))
                .addProperty("title", text)
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", text)
                .addProperty("instance", text)
                .addProperty("violations", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                        .items(violation).description("400: every invalid field"))
                .addProperty("activeDeploymentId", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("409: the deployment the target is busy with"))
                .addProperty("reason", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("401 of a webhook: the refusal's kind (unsigned, bad-signature, replayed, ...)"));
    }
}
