package dev.cutover.orchestrator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.orchestrator.deployment.DeploymentService;
import dev.cutover.orchestrator.deployment.SubmitResult;
import jakarta.inject.Inject;
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

@Path("/deployments")
@Produces(MediaType.APPLICATION_JSON)
public class DeploymentResource {

    @Inject
    DeploymentService service;

    @Inject
    ObjectMapper json;

    /** The body is taken as text: malformed JSON must become a 400 problem like any other invalid input. */
    @POST
    public Response create(String body) throws InterruptedException {
        DeploymentRequestParser.Parsed parsed = DeploymentRequestParser.parse(body);
        if (parsed.request() == null) {
            return problem(Problem.invalid(parsed.violations()));
        }
        if (!service.awaitReady()) {
            return problem(Problem.notReady());
        }
        SubmitResult result = service.submit(parsed.request());
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
        if (result instanceof SubmitResult.Invalid invalid) {
            return problem(Problem.invalid(invalid.violations()));
        }
        throw new IllegalStateException("unexpected " + result);
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

    /** Serialised here so the problem+json media type never depends on a writer being registered for it. */
    private Response problem(Problem p) {
        try {
            return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(json.writeValueAsString(p)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
