package dev.cutover.events;

import java.util.Map;

/**
 * Commands for the provisioner-service, on {@link Topics#PROVISIONER_COMMANDS}. All are naturally
 * idempotent: "slot green runs v2" twice is the same as once.
 */
@OnTopic(Topics.PROVISIONER_COMMANDS)
public sealed interface ProvisionerCommand extends Command {

    /**
     * What the target's router does to all its traffic, from the environment's {@code security.*}:
     * {@code httpsOnly} ({@code security.https-only}) redirects a request that did not arrive over HTTPS with a
     * 308 to its {@code https://} URL; {@code hsts} ({@code security.hsts}) adds {@code Strict-Transport-Security};
     * {@code csp} ({@code security.csp}; absent or blank: none) adds {@code Content-Security-Policy}.
     */
    record RouterSecurity(boolean httpsOnly, boolean hsts, @OptionalField String csp) {

        public RouterSecurity {
            csp = csp == null || csp.isBlank() ? null : csp;
        }
    }

    /**
     * Start {@code version} of the artifact in {@code slot} (replacing whatever that slot ran), with
     * {@code environment} as the instance's environment variables, behind the target's router on
     * {@code routerPort}. {@code security}, when present, is set on that router before the slot is reported
     * provisioned, and stays until a command carries another; absent (older senders): the router keeps what it
     * has.
     */
    @TypeName("dev.cutover.provisioner.provision-slot.v1")
    record ProvisionSlot(Meta meta, Target target, String slot, String version, String artifact,
                         @OptionalField Map<String, String> environment, int routerPort,
                         @OptionalField RouterSecurity security) implements ProvisionerCommand {
        public ProvisionSlot {
            environment = environment == null ? Map.of() : environment;
        }

        /** Without router security: the router keeps what it has. */
        public ProvisionSlot(Meta meta, Target target, String slot, String version, String artifact,
                             Map<String, String> environment, int routerPort) {
            this(meta, target, slot, version, artifact, environment, routerPort, null);
        }
    }

    /**
     * Set the router's weights by slot (percent, summing to 100). Slots not named keep no traffic.
     * {@code reason} travels to the resulting event (e.g. "switch", "rollback"). {@code security}, when present,
     * is set on the router before the weights, as in {@link ProvisionSlot#security()}.
     */
    @TypeName("dev.cutover.provisioner.shift-traffic.v1")
    record ShiftTraffic(Meta meta, Target target, Map<String, Integer> weights, String reason,
                        @OptionalField RouterSecurity security) implements ProvisionerCommand {

        /** Without router security: the router keeps what it has. */
        public ShiftTraffic(Meta meta, Target target, Map<String, Integer> weights, String reason) {
            this(meta, target, weights, reason, null);
        }
    }

    /** Take the slot out of the router, let in-flight requests finish, stop its instance. */
    @TypeName("dev.cutover.provisioner.release-slot.v1")
    record ReleaseSlot(Meta meta, Target target, String slot, String reason) implements ProvisionerCommand {
    }
}
