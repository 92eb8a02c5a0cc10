package dev.cutover.config.api;

import dev.cutover.config.resolve.ConfigResolver;
import dev.cutover.config.resolve.Resolution;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an environment resolves to before any deployment overrides, and which layer set each key — the same
 * resolution a deployment gets, so operators can see where a value comes from.
 */
@Path("/environments")
@Produces(MediaType.APPLICATION_JSON)
public class EnvironmentResource {

    @Inject
    ConfigResolver resolver;

    @GET
    public List<String> environments() {
        return resolver.environments();
    }

    @GET
    @Path("/{name}/config")
    public Response config(@PathParam("name") String name) {
        Resolution resolution = resolver.resolve(name, Map.of());
        if (resolution instanceof Resolution.Resolved resolved) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("environment", name);
            body.put("configHash", resolved.configHash());
            body.put("config", resolved.config());
            body.put("provenance", resolved.provenance());
            return Response.ok(body).build();
        }
        Resolution.Rejected rejected = (Resolution.Rejected) resolution;
        int status = rejected.kind() == Resolution.Kind.UNKNOWN_ENVIRONMENT ? 404 : 422;
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://cutover.dev/problems/" + rejected.kind().label());
        problem.put("title", status == 404 ? "Unknown environment" : "Invalid configuration");
        problem.put("status", status);
        problem.put("detail", rejected.reason());
        return Response.status(status).type("application/problem+json").entity(problem).build();
    }
}
