package dev.cutover.provisioner.api;

import dev.cutover.provisioner.slot.SlotRegistry;
import dev.cutover.provisioner.slot.TargetState;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Comparator;
import java.util.List;

/** Read-only view of the slot registry: what runs where, router ports and weights. */
@Path("/slots")
public class SlotResource {

    @Inject
    SlotRegistry registry;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<TargetState> slots() {
        return registry.all().stream()
                .sorted(Comparator.comparing(TargetState::application).thenComparing(TargetState::environment))
                .toList();
    }
}
