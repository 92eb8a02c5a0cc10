package dev.cutover.events;

import java.util.List;
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
     * has. {@code placement}: where the target runs (absent: local processes). {@code instances}: how many instances
     * this slot runs behind its one router backend (absent: 1); blue-green and canary slots run the environment's
     * {@code infrastructure.instance-count}, a rolling slot is one instance. {@code sha256}: the artifact's expected
     * SHA-256 (hex) from the deployment request; when present the provisioner verifies the artifact against it before
     * anything is started, and a mismatch is a configuration failure (absent: started unverified).
     *
     * <p>{@code routerPort}: the port the target's router serves traffic on (its admin API takes the next one).
     * {@code 0} means "from the pool": the provisioner keeps the port it gave the target before, or allocates one
     * from its pool ({@code cutover.provisioner.local.router-ports}) and remembers it for every later deployment of
     * the target; {@link ProvisionerEvent.SlotProvisioned#routerUrl()} says where it is. A port &gt; 0 is the
     * application's own (its {@code router.port} setting).</p>
     *
     * <p>{@code command}: the environment's {@code app.command}, how a local instance is started (absent: a jar runs
     * with {@code java -jar}, any other file is executed). Split on blanks (quotes group words); {@code {port}}
     * becomes the instance's port and {@code {artifact}} the artifact's path. A {@code .tar.gz} artifact is unpacked
     * into the instance's folder and requires it: the command runs in that folder, its first word resolved there
     * when the archive holds such a file.</p>
     */
    @TypeName("dev.cutover.provisioner.provision-slot.v1")
    record ProvisionSlot(Meta meta, Target target, String slot, String version, String artifact,
                         @OptionalField Map<String, String> environment, int routerPort,
                         @OptionalField RouterSecurity security, @OptionalField Placement placement,
                         @OptionalField Integer instances, @OptionalField String sha256,
                         @OptionalField String command)
            implements ProvisionerCommand, Placed {

        /** {@link #routerPort()} for "the target's port from the provisioner's pool". */
        public static final int ROUTER_PORT_FROM_POOL = 0;

        public ProvisionSlot {
            environment = environment == null ? Map.of() : environment;
            instances = instances == null ? 1 : instances;
            command = command == null || command.isBlank() ? null : command;
        }

        /** Started the default way for its artifact (no {@code app.command}). */
        public ProvisionSlot(Meta meta, Target target, String slot, String version, String artifact,
                             Map<String, String> environment, int routerPort, RouterSecurity security,
                             Placement placement, Integer instances, String sha256) {
            this(meta, target, slot, version, artifact, environment, routerPort, security, placement, instances, sha256,
                    null);
        }

        /** This command started with {@code other} ({@code app.command}; null: the artifact's default). */
        public ProvisionSlot withCommand(String other) {
            return new ProvisionSlot(meta, target, slot, version, artifact, environment, routerPort, security, placement,
                    instances, sha256, other);
        }

        /** This command for the router port {@code port}. */
        public ProvisionSlot withRouterPort(int port) {
            return new ProvisionSlot(meta, target, slot, version, artifact, environment, port, security, placement,
                    instances, sha256, command);
        }

        /** Without a digest: the artifact is started unverified. */
        public ProvisionSlot(Meta meta, Target target, String slot, String version, String artifact,
                             Map<String, String> environment, int routerPort, RouterSecurity security,
                             Placement placement, Integer instances) {
            this(meta, target, slot, version, artifact, environment, routerPort, security, placement, instances, null);
        }

        /** This command for another artifact (e.g. the provisioner's verified copy of it). */
        public ProvisionSlot withArtifact(String other) {
            return new ProvisionSlot(meta, target, slot, version, other, environment, routerPort, security, placement,
                    instances, sha256, command);
        }

        /** Local processes (no placement). */
        public ProvisionSlot(Meta meta, Target target, String slot, String version, String artifact,
                             Map<String, String> environment, int routerPort, RouterSecurity security) {
            this(meta, target, slot, version, artifact, environment, routerPort, security, null, null);
        }

        /** Without router security: the router keeps what it has. */
        public ProvisionSlot(Meta meta, Target target, String slot, String version, String artifact,
                             Map<String, String> environment, int routerPort) {
            this(meta, target, slot, version, artifact, environment, routerPort, null, null, null);
        }
    }

    /**
     * Set the router's weights by slot (percent, summing to 100). Slots not named keep no traffic.
     * {@code reason} travels to the resulting event (e.g. "switch", "rollback"). {@code security}, when present,
     * is set on the router before the weights, as in {@link ProvisionSlot#security()}.
     */
    @TypeName("dev.cutover.provisioner.shift-traffic.v1")
    record ShiftTraffic(Meta meta, Target target, Map<String, Integer> weights, String reason,
                        @OptionalField RouterSecurity security, @OptionalField Placement placement)
            implements ProvisionerCommand, Placed {

        /** Local processes (no placement). */
        public ShiftTraffic(Meta meta, Target target, Map<String, Integer> weights, String reason,
                            RouterSecurity security) {
            this(meta, target, weights, reason, security, null);
        }

        /** Without router security: the router keeps what it has. */
        public ShiftTraffic(Meta meta, Target target, Map<String, Integer> weights, String reason) {
            this(meta, target, weights, reason, null, null);
        }
    }

    /** Take the slot out of the router, let in-flight requests finish, stop its instance. */
    @TypeName("dev.cutover.provisioner.release-slot.v1")
    record ReleaseSlot(Meta meta, Target target, String slot, String reason, @OptionalField Placement placement)
            implements ProvisionerCommand, Placed {

        /** Local processes (no placement). */
        public ReleaseSlot(Meta meta, Target target, String slot, String reason) {
            this(meta, target, slot, reason, null);
        }
    }

    /**
     * Work out what {@code placement} needs that does not exist yet, without changing anything: answered by
     * InfrastructurePlanned (or ProvisioningFailed, operation {@code plan}). {@code environment} and
     * {@code security} are what the instances will get (secret references, never values), so the plan can check
     * them; {@code policy} says which hardening rules block and the monthly budget.
     */
    @TypeName("dev.cutover.provisioner.plan-infrastructure.v1")
    record PlanInfrastructure(Meta meta, Target target, Placement placement,
                              @OptionalField Map<String, String> environment, @OptionalField RouterSecurity security,
                              Policy policy) implements ProvisionerCommand, Placed {
        public PlanInfrastructure {
            environment = environment == null ? Map.of() : environment;
        }
    }

    /**
     * {@code blockingRules}: hardening rules whose failure stops the deployment ({@code hardening.blocking});
     * {@code monthlyLimit}: {@code budget.monthly-limit} (absent: no budget).
     */
    record Policy(List<String> blockingRules, @OptionalField Double monthlyLimit) {
        public Policy {
            blockingRules = blockingRules == null ? List.of() : List.copyOf(blockingRules);
        }
    }

    /**
     * Create / update what plan {@code planId} listed (the plan is made again and must still have that id, so
     * nothing changed between review and apply): answered by InfrastructureApplied (or ProvisioningFailed,
     * operation {@code apply}). Idempotent: an applied plan applied again changes nothing.
     */
    @TypeName("dev.cutover.provisioner.apply-infrastructure.v1")
    record ApplyInfrastructure(Meta meta, Target target, Placement placement,
                               @OptionalField Map<String, String> environment, @OptionalField RouterSecurity security,
                               Policy policy, String planId) implements ProvisionerCommand, Placed {
        public ApplyInfrastructure {
            environment = environment == null ? Map.of() : environment;
        }
    }

    /** A command that says where the target runs; {@code placement()} absent means local processes. */
    interface Placed {
        Placement placement();
    }
}
