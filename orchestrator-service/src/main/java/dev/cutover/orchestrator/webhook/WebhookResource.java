package dev.cutover.orchestrator.webhook;

import dev.cutover.security.local.http.OpenApiComponents;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.orchestrator.api.DeploymentRequestBody;
import dev.cutover.orchestrator.cdevents.ArtifactMapping;
import dev.cutover.orchestrator.cdevents.CdEventsIntake;
import dev.cutover.orchestrator.cdevents.CloudEvent;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.api.DeploymentView;
import dev.cutover.orchestrator.api.Problem;
import dev.cutover.orchestrator.metrics.DeploymentMetrics;
import dev.cutover.orchestrator.model.Actor;
import dev.cutover.orchestrator.model.SubmitResult;
import dev.cutover.orchestrator.model.Violation;
import dev.cutover.orchestrator.replication.OwnerRouter;
import dev.cutover.orchestrator.service.DeploymentService;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /webhooks/<source>}: for CI systems that can only send webhooks. Authenticated by the body's signature
 * under the source's key, not by a bearer token: Standard Webhooks headers ({@code webhook-id},
 * {@code webhook-timestamp}, {@code webhook-signature}) or, for a source configured with {@code signature=github},
 * {@code X-Hub-Signature-256}. The body is the one of {@code POST /deployments}; the answers are its answers (202,
 * 400, 409), and a refused signature is 401 problem+json whose {@code reason} is the kind. The requester is
 * {@code ci:<source>} (via webhook).
 */
@Path("/webhooks")
@Tag(name = "webhooks")
@SecurityRequirement(name = OpenApiComponents.WEBHOOK_SIGNATURE)
public class WebhookResource {

    private static final Logger LOG = Logger.getLogger(WebhookResource.class);

    @Inject
    CiSources sources;

    @Inject
    DeploymentService service;

    @Inject
    ObjectMapper json;

    @Inject
    Validator validator;

    @Inject
    DeploymentMetrics metrics;

    @Inject
    OwnerRouter owners;

    @Inject
    CdEventsIntake intake;

    @Operation(summary = "A deployment request from a CI system that can only send webhooks", description = "The body "
            + "is the one of POST /deployments, signed under the source's key; the requester is ci:<source>.")
    @APIResponse(responseCode = "202", description = "accepted", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DeploymentView.class)))
    @APIResponse(responseCode = "400", description = "not a valid deployment request: violations name every field")
    @APIResponse(responseCode = "401", description = "unsigned, bad signature, stale timestamp, replayed or unknown source: reason is the kind")
    @APIResponse(responseCode = "409", description = "the target has an active deployment and onConflict is reject")
    @APIResponse(responseCode = "503", description = "state not loaded yet or unavailable (Retry-After)")
    @POST
    @Path("/{source}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(@PathParam("source") String source, @Context HttpHeaders headers, byte[] body)
            throws InterruptedException, IOException {
        if (!service.awaitReady()) {
            return Problem.notReady().response(json); // before the replay guard sees the id: the sender may retry
        }
        byte[] raw = body == null ? new byte[0] : body;
        CiSources.Verified verified;
        try {
            verified = sources.verifyWebhook(source, headers::getHeaderString, raw);
        } catch (CiRequestRefused refused) {
            LOG.infof("webhook for CI source %s refused: %s", CiSources.printable(source), refused.reason().kind());
            return WebhookProblem.of(refused).response(json);
        }
        // authentic: from here on it is a deployment request like any other (a JSON error is mapped to 400 by
        // the API's InvalidRequestMapper)
        return request(json.readValue(raw, DeploymentRequestBody.class), raw, Actor.webhook(verified.subject()));
    }

    @Operation(summary = "A CDEvent from CI: artifact.published becomes a deployment request", description = "A "
            + "CloudEvent in binary mode (ce-* headers, the CDEvent as the body) or structured mode (Content-Type "
            + "application/cloudevents+json), signed like POST /webhooks/{source}. The artifact's purl is mapped to "
            + "application, environment and artifact by the configured cdevents rules; the request then goes "
            + "through every check of POST /deployments. The requester is ci:<source>.")
    @APIResponse(responseCode = "202", description = "accepted", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DeploymentView.class)))
    @APIResponse(responseCode = "400", description = "not a CloudEvent, not an artifact.published CDEvent valid against "
            + "its schema, no rule maps it, or not a valid deployment request: violations name the field")
    @APIResponse(responseCode = "401", description = "unsigned, bad signature, stale timestamp, replayed or unknown source: reason is the kind")
    @APIResponse(responseCode = "409", description = "the target has an active deployment and onConflict is reject")
    @APIResponse(responseCode = "503", description = "state not loaded yet or unavailable (Retry-After)")
    @POST
    @Path("/{source}/cdevents")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response receiveCdEvent(@PathParam("source") String source, @Context HttpHeaders headers, byte[] body)
            throws InterruptedException {
        if (!service.awaitReady()) {
            return Problem.notReady().response(json);
        }
        byte[] raw = body == null ? new byte[0] : body;
        CiSources.Verified verified;
        try {
            verified = sources.verifyWebhook(source, headers::getHeaderString, raw);
        } catch (CiRequestRefused refused) {
            LOG.infof("CDEvent for CI source %s refused: %s", CiSources.printable(source), refused.reason().kind());
            return WebhookProblem.of(refused).response(json);
        }
        DeploymentRequest r;
        try {
            CloudEvent event = CloudEvent.read(headers::getHeaderString, "ce-", raw, json);
            if (!ArtifactMapping.isArtifactPublished(event.data())) {
                return invalid(List.of(new Violation("context.type", "must be "
                        + ArtifactMapping.ARTIFACT_PUBLISHED + "<version>: no other CDEvent requests a deployment")));
            }
            r = intake.request(event.data());
        } catch (CloudEvent.InvalidCloudEvent e) {
            return invalid(List.of(new Violation("body", e.getMessage())));
        }
        return request(new DeploymentRequestBody(r.application(), r.environment(), r.version(), r.artifact(),
                r.strategy(), r.overrides(), r.onConflict(), r.sha256()), raw, Actor.webhook(verified.subject()));
    }

    /** A verified request's body, checked like POST /deployments, then recorded by the target's owner. */
    private Response request(DeploymentRequestBody b, byte[] raw, Actor actor) throws InterruptedException {
        if (b == null) {
            return invalid(List.of(new Violation("body", "must be a JSON object with application, environment,"
                    + " version and artifact")));
        }
        Set<ConstraintViolation<DeploymentRequestBody>> violations = validator.validate(b);
        if (!violations.isEmpty()) {
            return invalid(violations.stream().map(v -> new Violation(v.getPropertyPath().toString().isEmpty()
                    ? "body" : v.getPropertyPath().toString(), v.getMessage())).toList());
        }
        // the owner of the target records it (README "Replicas"); it verifies the signature again
        Optional<Response> routed = owners.route(b.toRequest().target(), raw);
        if (routed.isPresent()) {
            return routed.get();
        }
        return submitted(service.submit(b.toRequest(), actor));
    }

    private Response invalid(List<Violation> violations) {
        metrics.rejected("invalid");
        return Problem.invalid(violations.stream()
                .sorted(Comparator.comparing(Violation::field).thenComparing(Violation::message)).toList())
                .response(json);
    }

    private Response submitted(SubmitResult result) {
        if (result instanceof SubmitResult.Accepted accepted) {
            return Response.accepted(DeploymentView.of(accepted.deployment()))
                    .location(UriBuilder.fromPath("/deployments/{id}").build(accepted.deployment().id()))
                    .type(MediaType.APPLICATION_JSON_TYPE).build();
        }
        if (result instanceof SubmitResult.Conflict conflict) {
            return Problem.conflict(DeploymentService.conflictMessage(conflict.active()), conflict.active().id())
                    .response(json);
        }
        if (result instanceof SubmitResult.Unsupported unsupported) {
            return Problem.unsupportedStrategy(unsupported.reason()).response(json);
        }
        if (result instanceof SubmitResult.Invalid invalid) {
            return Problem.invalid(invalid.violations()).response(json);
        }
        throw new IllegalStateException("unexpected " + result);
    }
}
