package dev.cutover.orchestrator.api;

import dev.cutover.security.local.http.OpenApiComponents;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.orchestrator.metrics.DeploymentMetrics;
import dev.cutover.orchestrator.model.ActionNotAllowedException;
import dev.cutover.orchestrator.access.AccessControl;
import dev.cutover.orchestrator.access.AccessProblems;
import dev.cutover.orchestrator.access.Caller;
import dev.cutover.orchestrator.access.DeploymentAccess;
import dev.cutover.orchestrator.access.DeploymentAccess.Allowed;
import dev.cutover.orchestrator.access.DeploymentAccess.Decision;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.OperatorAction;
import dev.cutover.orchestrator.model.SubmitResult;
import dev.cutover.orchestrator.replication.OwnerRouter;
import dev.cutover.orchestrator.service.DeploymentService;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

@Path("/deployments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "deployments")
@SecurityRequirement(name = OpenApiComponents.BEARER)
public class DeploymentResource {

    @Inject
    DeploymentService service;

    @Inject
    ObjectMapper json;

    @Inject
    DeploymentMetrics metrics;

    @Inject
    SecurityIdentity identity;

    @Inject
    AccessControl access;

    /** Writes for a target another replica owns go there. */
    @Inject
    OwnerRouter owners;

    /**
     * An invalid body never gets here: {@link InvalidRequestMapper} answers it. Needs the deployer role for the
     * request's application and environment (403 otherwise).
     */
    @Operation(summary = "Request a deployment", description = "Validated, then accepted (202) or refused: 400 with "
            + "every invalid field, 409 when the target is busy and onConflict is reject.")
    @APIResponse(responseCode = "202", description = "accepted (queued or started); Location names it", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeploymentView.class)))
    @APIResponse(responseCode = "400", description = "invalid request: violations name every field, or a strategy the target kind cannot run")
    @APIResponse(responseCode = "403", description = "the caller lacks the deployer role for the application and environment")
    @APIResponse(responseCode = "409", description = "the target has an active deployment and onConflict is reject")
    @APIResponse(responseCode = "429", description = "over the client's rate limit for state-changing calls (Retry-After)")
    @APIResponse(responseCode = "503", description = "state not loaded yet, the state topic unavailable, or the target's owner replica unreachable (Retry-After)")
    @POST
    public Response create(@Valid @NotNull(message = "must be a JSON object with application, environment, version"
            + " and artifact") DeploymentRequestBody body) throws InterruptedException {
        Caller caller = caller();
        Decision decision = access.rules().start(caller, body.application(), body.environment());
        if (!(decision instanceof Allowed)) {
            return refused(decision, null);
        }
        if (!service.awaitReady()) {
            return notReady();
        }
        Optional<Response> routed = owners.route(body.toRequest().target(), body); // README "Replicas"
        if (routed.isPresent()) {
            return routed.get();
        }
        return submitted(service.submit(body.toRequest(), caller.actor()));
    }

    private Response submitted(SubmitResult result) {
        if (result instanceof SubmitResult.Accepted accepted) {
            return Response.accepted(DeploymentView.of(accepted.deployment()))
                    .location(UriBuilder.fromPath("/deployments/{id}").build(accepted.deployment().id()))
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .build();
        }
        if (result instanceof SubmitResult.Conflict conflict) {
            // the caller may start deployments of this target, so it may know that one runs
            return problem(Problem.conflict(DeploymentService.conflictMessage(conflict.active()),
                    conflict.active().id()));
        }
        if (result instanceof SubmitResult.Unsupported unsupported) {
            return problem(Problem.unsupportedStrategy(unsupported.reason()));
        }
        if (result instanceof SubmitResult.Invalid invalid) {
            return problem(Problem.invalid(invalid.violations()));
        }
        throw new IllegalStateException("unexpected " + result);
    }

    /**
     * Operator actions, each allowed in some statuses only (409 otherwise): {@code promote} (skip the remaining
     * steps: 100 % now, then finish; also passes an approval gate), {@code pause} (hold at the current step; a
     * verdict arriving meanwhile is recorded, not acted on), {@code resume}, {@code abort} (immediate rollback →
     * ROLLED_BACK "aborted by operator"), {@code approve}, {@code rollback} (the environment's rollback strategy;
     * manual: immediately). A deployment the caller cannot see is not found (404); visible without the role for the
     * action: 403 (approve: the approver role, and in a four-eyes environment someone other than the requester).
     */
    @Operation(summary = "An operator action", description = "promote, pause, resume, abort, approve or rollback; each "
            + "allowed in some statuses only.")
    @APIResponse(responseCode = "202", description = "the deployment after the action", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeploymentView.class)))
    @APIResponse(responseCode = "400", description = "the body is not a JSON object (reason and by are optional)")
    @APIResponse(responseCode = "403", description = "visible, but the caller lacks the role for the action")
    @APIResponse(responseCode = "404", description = "no such deployment, or one the caller cannot see")
    @APIResponse(responseCode = "409", description = "the action is not allowed in the deployment's status")
    @APIResponse(responseCode = "429", description = "over the client's rate limit for state-changing calls (Retry-After)")
    @APIResponse(responseCode = "503", description = "state not loaded yet, the state topic unavailable, or the target's owner replica unreachable (Retry-After)")
    @POST
    @Path("/{id}/{action: promote|pause|resume|abort|approve|rollback}")
    public Response act(@PathParam("id") String id,
                        @Parameter(description = "the operator action", schema = @Schema(enumeration = {"promote",
                            "pause", "resume", "abort", "approve", "rollback"})) @PathParam("action") String action,
                        OperatorActionBody body)
            throws InterruptedException {
        OperatorAction.Kind kind = OperatorAction.Kind.valueOf(action.toUpperCase(Locale.ROOT));
        Caller caller = caller();
        if (!caller.authenticated()) {
            return refused(new DeploymentAccess.Unauthenticated(), id);
        }
        if (!service.awaitReady()) {
            return notReady();
        }
        Optional<Deployment> found = service.find(id);
        if (found.isEmpty()) {
            return problem(Problem.notFound(id));
        }
        Decision decision = access.rules().act(caller, found.get(), kind);
        if (!(decision instanceof Allowed)) {
            return refused(decision, id);
        }
        Optional<Response> routed = owners.route(found.get().target(), body);
        if (routed.isPresent()) {
            return routed.get();
        }
        try {
            // the body's "by" is not trusted: the token's subject is recorded
            return service.act(id, kind, caller.actor(), body == null ? null : body.reason())
                    .map(d -> Response.accepted(DeploymentView.of(d)).type(MediaType.APPLICATION_JSON_TYPE).build())
                    .orElseGet(() -> problem(Problem.notFound(id)));
        } catch (ActionNotAllowedException e) {
            return problem(Problem.notAllowed(e.getMessage(), id));
        }
    }

    /**
     * A NEW deployment of this (SUCCEEDED) deployment's version, artifact, strategy and overrides; the deployer role
     * for its target.
     */
    @Operation(summary = "Deploy an earlier SUCCEEDED deployment again", description = "A new deployment of its "
            + "version, artifact, strategy and overrides, with its resolved configuration pinned.")
    @APIResponse(responseCode = "202", description = "the new deployment", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeploymentView.class)))
    @APIResponse(responseCode = "400", description = "the pinned configuration is refused for the target")
    @APIResponse(responseCode = "403", description = "the caller lacks the deployer role for the target")
    @APIResponse(responseCode = "404", description = "no such deployment, or one the caller cannot see")
    @APIResponse(responseCode = "409", description = "it did not succeed, or the target is busy and onConflict is reject")
    @APIResponse(responseCode = "429", description = "over the client's rate limit for state-changing calls (Retry-After)")
    @APIResponse(responseCode = "503", description = "state not loaded yet, the state topic unavailable, or the target's owner replica unreachable (Retry-After)")
    @POST
    @Path("/{id}/redeploy")
    public Response redeploy(@PathParam("id") String id, RedeployBody body) throws InterruptedException {
        Caller caller = caller();
        if (!caller.authenticated()) {
            return refused(new DeploymentAccess.Unauthenticated(), id);
        }
        if (!service.awaitReady()) {
            return notReady();
        }
        Optional<Deployment> found = service.find(id);
        if (found.isEmpty()) {
            return problem(Problem.notFound(id));
        }
        Decision decision = access.rules().redeploy(caller, found.get());
        if (!(decision instanceof Allowed)) {
            return refused(decision, id);
        }
        Optional<Response> routed = owners.route(found.get().target(), body);
        if (routed.isPresent()) {
            return routed.get();
        }
        try {
            return service.redeploy(id, body == null ? null : body.onConflict(), caller.actor(),
                            body == null ? null : body.reason())
                    .map(this::submitted)
                    .orElseGet(() -> problem(Problem.notFound(id)));
        } catch (ActionNotAllowedException e) {
            return problem(Problem.notAllowed(e.getMessage(), id));
        }
    }

    @Operation(summary = "One deployment: status, stages, weights, analyses, decisions, audit")
    @APIResponse(responseCode = "200", description = "the deployment", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeploymentView.class)))
    @APIResponse(responseCode = "404", description = "no such deployment, or one the caller cannot see")
    @APIResponse(responseCode = "503", description = "state not loaded yet, the state topic unavailable, or the target's owner replica unreachable (Retry-After)")
    @GET
    @Path("/{id}")
    public Response get(@PathParam("id") String id) throws InterruptedException {
        Caller caller = caller();
        if (!caller.authenticated()) {
            return refused(new DeploymentAccess.Unauthenticated(), id);
        }
        if (!service.awaitReady()) {
            return notReady();
        }
        return service.find(id).filter(d -> access.rules().visible(caller, d))
                .map(d -> Response.ok(DeploymentView.of(d)).build())
                .orElseGet(() -> problem(Problem.notFound(id)));
    }

    @Operation(summary = "The deployments the caller may see, newest first")
    @APIResponse(responseCode = "200", description = "the deployments", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.ARRAY, implementation = DeploymentView.class)))
    @APIResponse(responseCode = "503", description = "state not loaded yet, the state topic unavailable, or the target's owner replica unreachable (Retry-After)")
    @GET
    public Response list(@QueryParam("application") String application,
                         @QueryParam("environment") String environment) throws InterruptedException {
        Caller caller = caller();
        if (!caller.authenticated()) {
            return refused(new DeploymentAccess.Unauthenticated(), null);
        }
        if (!service.awaitReady()) {
            return notReady();
        }
        // only what the caller may see: a deployment of another application is not listed
        List<DeploymentView> views = service.list(application, environment).stream()
                .filter(d -> access.rules().visible(caller, d)).map(DeploymentView::of).toList();
        return Response.ok(views).build();
    }

    private Caller caller() {
        return access.caller(identity);
    }

    /** A refused call as problem+json: 401 (with the Bearer challenge), 403, or 404 for what the caller cannot see. */
    private Response refused(Decision decision, String id) {
        String instance = id == null ? "/deployments" : "/deployments/" + id;
        if (decision instanceof DeploymentAccess.Hidden) {
            return problem(Problem.notFound(id));
        }
        if (decision instanceof DeploymentAccess.Forbidden forbidden) {
            return problem(new Problem(forbidden.fourEyes() ? AccessProblems.FOUR_EYES : AccessProblems.FORBIDDEN,
                    forbidden.fourEyes() ? "Approval needs a second person" : "Forbidden", 403, forbidden.detail(),
                    instance, null, null));
        }
        return Response.fromResponse(problem(new Problem(AccessProblems.UNAUTHENTICATED, "Unauthenticated", 401,
                "a valid bearer token is needed", instance, null, null))).header("WWW-Authenticate", "Bearer").build();
    }

    /** The state is still being loaded: 503 with Retry-After, like a state that cannot be written. */
    private Response notReady() {
        return Problem.notReady().response(json, Problem.RETRY_AFTER_UNAVAILABLE_SECONDS);
    }

    private Response problem(Problem p) {
        return p.response(json);
    }
}
