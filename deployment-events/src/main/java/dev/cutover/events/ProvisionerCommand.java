package dev.cutover.events;

import java.util.Map;

/**
 * Commands for the provisioner-service, on {@link Topics#PROVISIONER_COMMANDS}. All are naturally
 * idempotent: "slot green runs v2" twice is the same as once.
 */
@OnTopic(Topics.PROVISIONER_COMMANDS)
public sealed interface ProvisionerCommand extends Command {

    /**
     * Start {@code version} of the artifact in {@code slot} (replacing whatever that slot ran), with
     * {@code environment} as the instance's environment variables, behind the target's router on
     * {@code routerPort}.
     */
    @TypeName("dev.cutover.provisioner.provision-slot.v1")
    record ProvisionSlot(Meta meta, Target target, String slot, String version, String artifact,
                         @OptionalField Map<String, String> environment, int routerPort) implements ProvisionerCommand {
        public ProvisionSlot {
            environment = environment == null ? Map.of() : environment;
        }
    }

    /**
     * Set the router's weights by slot (percent, summing to 100). Slots not named keep no traffic.
     * {@code reason} travels to the resulting event (e.g. "switch", "rollback").
     */
    @TypeName("dev.cutover.provisioner.shift-traffic.v1")
    record ShiftTraffic(Meta meta, Target target, Map<String, Integer> weights, String reason)
            implements ProvisionerCommand {
    }

    /** Take the slot out of the router, let in-flight requests finish, stop its instance. */
    @TypeName("dev.cutover.provisioner.release-slot.v1")
    record ReleaseSlot(Meta meta, Target target, String slot, String reason) implements ProvisionerCommand {
    }
}
