package dev.cutover.orchestrator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.orchestrator.metrics.DeploymentMetrics;
import dev.cutover.orchestrator.model.ActionNotAllowedException;
import dev.cutover.orchestrator.model.Actor;
import dev.cutover.orchestrator.model.OperatorAction;
import dev.cutover.orchestrator.model.SubmitResult;
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

@Path("/deployments")
@Produces(MediaType.APPLICATION_JSON)
public class DeploymentResource {

    @Inject
    DeploymentService service;

    @Inject
    ObjectMapper json;

    @Inject
    DeploymentMetrics metrics;

    /** An invalid body never gets here: {@link InvalidRequestMapper} answers it. */
    @POST
    public Response create(@Valid @NotNull(message = "must be a JSON object with application, environment, version"
            + " and artifact") DeploymentRequestBody body) throws InterruptedException {
        if (!service.awaitReady()) {
            return problem(Problem.notReady());
        }
        return submitted(service.submit(body.toRequest(), actor()));
    }

    private Response submitted(SubmitResult result) {
        if (result instanceof SubmitResult.Accepted accepted) {
            return Response.accepted(DeploymentView.of(accepted.deployment()))
                    .location(UriBuilder.fromPath("/deployments/{id}").build(accepted.deployment().id()))
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .build();
        }
        if (result instanceof SubmitResult.Conflict conflict) {
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
     * manual: immediately).
     */
    @POST
    @Path("/{id}/{action: promote|pause|resume|abort|approve|rollback}")
    public Response act(@PathParam("id") String id, @PathParam("action") String action, OperatorActionBody body)
            throws InterruptedException {
        OperatorAction.Kind kind = OperatorAction.Kind.valueOf(action.toUpperCase(Locale.ROOT));
        if (!service.awaitReady()) {
            return problem(Problem.notReady());
        }
        try {
            return service.act(id, kind, actor(), body == null ? null : body.reason())
                    .map(d -> Response.accepted(DeploymentView.of(d)).type(MediaType.APPLICATION_JSON_TYPE).build())
                    .orElseGet(() -> problem(Problem.notFound(id)));
        } catch (ActionNotAllowedException e) {
            return problem(Problem.notAllowed(e.getMessage(), id));
        }
    }

    /** A NEW deployment of this (SUCCEEDED) deployment's version, artifact, strategy and overrides. */
    @POST
    @Path("/{id}/redeploy")
    public Response redeploy(@PathParam("id") String id, RedeployBody body) throws InterruptedException {
        if (!service.awaitReady()) {
            return problem(Problem.notReady());
        }
        try {
            return service.redeploy(id, body == null ? null : body.onConflict(), actor(), null).map(this::submitted)
                    .orElseGet(() -> problem(Problem.notFound(id)));
        } catch (ActionNotAllowedException e) {
            return problem(Problem.notAllowed(e.getMessage(), id));
        }
    }

    @GET
    @Path("/{id}")
    public Response get(@PathParam("id") String id) throws InterruptedException {
        if (!service.awaitReady()) {
            return problem(Problem.notReady());
        }
        return service.find(id).map(d -> Response.ok(DeploymentView.of(d)).build())
                .orElseGet(() -> problem(Problem.notFound(id)));
    }

    @GET
    public Response list(@QueryParam("application") String application,
                         @QueryParam("environment") String environment) throws InterruptedException {
        if (!service.awaitReady()) {
            return problem(Problem.notReady());
        }
        List<DeploymentView> views = service.list(application, environment).stream().map(DeploymentView::of)
                .toList();
        return Response.ok(views).build();
    }

    @Inject
    SecurityIdentity identity;

    private Actor actor() {
        return Actor.rest(identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName());
    }

    private Response problem(Problem p) {
        return p.response(json);
    }
}
