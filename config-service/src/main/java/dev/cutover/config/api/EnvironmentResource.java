package dev.cutover.config.api;

import dev.cutover.security.local.http.OpenApiComponents;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import dev.cutover.config.resolve.ConfigResolver;
import dev.cutover.config.resolve.Resolution;
import dev.cutover.security.access.Grants;
import dev.cutover.security.access.Permission;
import io.quarkus.security.identity.SecurityIdentity;
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
 * resolution a deployment gets, so operators can see where a value comes from. Any grant (viewer and up) reads, limited
 * to the environments it names: others are not listed and answer 404; a token with no grant at all gets 403.
 */
@Path("/environments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "environments")
@SecurityRequirement(name = OpenApiComponents.BEARER)
public class EnvironmentResource {

    @Inject
    ConfigResolver resolver;

    @Inject
    SecurityIdentity identity;

    @Operation(summary = "The environments the caller's grants cover")
    @APIResponse(responseCode = "200", description = "environment names")
    @APIResponse(responseCode = "403", description = "the token carries no cutover grant")
    @GET
    public Response environments() {
        Grants grants = Grants.of(identity.getRoles());
        if (!grants.allowsSomewhere(Permission.READ, null)) {
            return problem(403, "forbidden", "Forbidden", "the token carries no cutover grant");
        }
        List<String> visible =
                resolver.environments().stream().filter(e -> grants.allowsSomewhere(Permission.READ, e)).toList();
        return Response.ok(visible).build();
    }

    @Operation(summary = "An environment's resolved configuration", description = "base -> environment layers, "
            + "with its hash and the layer each key came from; secrets as references only, never values.")
    @APIResponse(responseCode = "200", description = "environment, configHash, config and provenance")
    @APIResponse(responseCode = "403", description = "the token carries no cutover grant")
    @APIResponse(responseCode = "404", description = "unknown environment, or one the caller's grants do not cover")
    @APIResponse(responseCode = "422", description = "the environment's configuration does not validate: detail names the key")
    @GET
    @Path("/{name}/config")
    public Response config(@PathParam("name") String name) {
        Grants grants = Grants.of(identity.getRoles());
        if (!grants.allowsSomewhere(Permission.READ, null)) {
            return problem(403, "forbidden", "Forbidden", "the token carries no cutover grant");
        }
        if (!grants.allowsSomewhere(Permission.READ, name)) {
            return problem(404, "unknown-environment", "Unknown environment", "unknown environment");
        }
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
        return problem(status, rejected.kind().label(), status == 404 ? "Unknown environment" : "Invalid configuration",
                rejected.reason());
    }

    private static Response problem(int status, String type, String title, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://cutover.dev/problems/" + type);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        return Response.status(status).type("application/problem+json").entity(problem).build();
    }
}
