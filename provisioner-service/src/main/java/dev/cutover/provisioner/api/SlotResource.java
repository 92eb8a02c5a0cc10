package dev.cutover.provisioner.api;

import dev.cutover.security.local.http.OpenApiComponents;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import dev.cutover.provisioner.slot.SlotRegistry;
import dev.cutover.provisioner.slot.TargetState;
import dev.cutover.security.access.Grants;
import dev.cutover.security.access.Permission;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only view of the slot registry: what runs where, router ports and weights. Any grant (viewer and up) reads,
 * limited to the (application, environment) targets it covers; a token with no grant at all gets 403.
 */
@Path("/slots")
@Tag(name = "slots")
@SecurityRequirement(name = OpenApiComponents.BEARER)
public class SlotResource {

    @Inject
    SlotRegistry registry;

    @Inject
    SecurityIdentity identity;

    @Operation(summary = "What runs where: each target's slots, router port and weights, as far as the caller's "
            + "grants reach")
    @APIResponse(responseCode = "200", description = "the targets")
    @APIResponse(responseCode = "403", description = "the token carries no cutover grant")
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response slots() {
        Grants grants = Grants.of(identity.getRoles());
        if (!grants.allowsSomewhere(Permission.READ, null)) {
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "https://cutover.dev/problems/forbidden");
            problem.put("title", "Forbidden");
            problem.put("status", 403);
            problem.put("detail", "the token carries no cutover grant");
            return Response.status(403).type("application/problem+json").entity(problem).build();
        }
        // a target that only has answers on record (a provision that failed before anything started) runs nothing
        List<TargetState> visible = registry.all().stream()
                .filter(t -> t.routerPort() != null || !t.slots().isEmpty())
                .filter(t -> grants.allows(Permission.READ, t.application(), t.environment()))
                .map(TargetState::withoutAnswers)
                .sorted(Comparator.comparing(TargetState::application).thenComparing(TargetState::environment))
                .toList();
        return Response.ok(visible).build();
    }
}
