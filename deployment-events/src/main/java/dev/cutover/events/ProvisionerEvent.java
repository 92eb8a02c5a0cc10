package dev.cutover.events;

import java.util.List;
import java.util.Map;

/** What the provisioner-service did, on {@link Topics#PROVISIONER_EVENTS}. */
@OnTopic(Topics.PROVISIONER_EVENTS)
public sealed interface ProvisionerEvent extends Event {

    /**
     * The slot runs the version and answers on {@code instanceUrl} (not yet serving traffic).
     * {@code routerAdminUrl}: where the target's router serves its admin API (base URL, e.g.
     * {@code http://127.0.0.1:18081}; its per-backend metrics are at {@code routerAdminUrl + }
     * {@link dev.cutover.events.router.RouterAdminApi#METRICS_PATH}). Absent from events written before it existed.
     * {@code routerUrl}: where the target's traffic enters (its router, e.g. {@code http://127.0.0.1:18342}; with a
     * pool port the first place anyone learns it); absent from provisioners older than the field.
     */
    @TypeName("dev.cutover.provisioner.slot-provisioned.v1")
    record SlotProvisioned(Meta meta, Target target, String slot, String version, String instanceUrl,
                           String instanceId, @OptionalField String routerAdminUrl, @OptionalField String routerUrl)
            implements ProvisionerEvent {

        /** Without the router's traffic URL. */
        public SlotProvisioned(Meta meta, Target target, String slot, String version, String instanceUrl,
                               String instanceId, String routerAdminUrl) {
            this(meta, target, slot, version, instanceUrl, instanceId, routerAdminUrl, null);
        }

        /** Without the router's admin URL. */
        public SlotProvisioned(Meta meta, Target target, String slot, String version, String instanceUrl,
                               String instanceId) {
            this(meta, target, slot, version, instanceUrl, instanceId, null);
        }
    }

    /**
     * {@code operation} is provision, shift, release, plan or apply; {@code cause} what kind of trouble it was (absent
     * from provisioners older than the field: readers then fall back on the reason). {@code createdResources}: what
     * an apply had already created before it failed (resource ids), so nothing half-created goes unrecorded.
     */
    @TypeName("dev.cutover.provisioner.failed.v1")
    record ProvisioningFailed(Meta meta, Target target, @OptionalField String slot, String operation,
                              String reason, @OptionalField FailureCause cause,
                              @OptionalField List<String> createdResources)
            implements ProvisionerEvent {

        public ProvisioningFailed {
            createdResources = createdResources == null ? List.of() : List.copyOf(createdResources);
        }

        public ProvisioningFailed(Meta meta, Target target, String slot, String operation, String reason,
                                  FailureCause cause) {
            this(meta, target, slot, operation, reason, cause, null);
        }

        public ProvisioningFailed(Meta meta, Target target, String slot, String operation, String reason) {
            this(meta, target, slot, operation, reason, null, null);
        }
    }

    /**
     * Why the provisioner could not do it: the configuration is wrong (waiting does not help: a missing secret, an
     * invalid reference), the infrastructure failed (an instance exited, a port was taken), or something it talks to
     * could not be reached (the router's admin API, a secret store), or an operation did not finish in its time (a
     * cloud long-running operation still running at its deadline).
     */
    enum FailureCause {
        CONFIGURATION, INFRASTRUCTURE, NETWORK, TIMEOUT
    }

    /**
     * The router of {@code target} now applies {@code weights}. {@code routerUrl}: where its traffic enters;
     * {@code routerAdminUrl}: its admin API, as in {@link SlotProvisioned#routerAdminUrl()}. {@code instanceUrls}:
     * where slots answer now when the shift moved them (an App Service swap moves a slot's version to the production
     * host: its health checks must follow it); absent when nothing moved.
     */
    @TypeName("dev.cutover.traffic.shifted.v1")
    record TrafficShifted(Meta meta, Target target, Map<String, Integer> weights, @OptionalField String routerUrl,
                          String reason, @OptionalField String routerAdminUrl,
                          @OptionalField Map<String, String> instanceUrls) implements ProvisionerEvent {

        /** Instances stayed where they were. */
        public TrafficShifted(Meta meta, Target target, Map<String, Integer> weights, String routerUrl, String reason,
                              String routerAdminUrl) {
            this(meta, target, weights, routerUrl, reason, routerAdminUrl, null);
        }

        /** Without the router's admin URL. */
        public TrafficShifted(Meta meta, Target target, Map<String, Integer> weights, String routerUrl,
                              String reason) {
            this(meta, target, weights, routerUrl, reason, null);
        }
    }

    @TypeName("dev.cutover.provisioner.slot-released.v1")
    record SlotReleased(Meta meta, Target target, String slot, String reason) implements ProvisionerEvent {
    }

    /** The plan of {@code target}'s infrastructure (nothing was changed). */
    @TypeName("dev.cutover.provisioner.infrastructure-planned.v1")
    record InfrastructurePlanned(Meta meta, Target target, InfrastructurePlan plan) implements ProvisionerEvent {
    }

    /** Plan {@code planId} was carried out: {@code created} and {@code updated} are resource ids. */
    @TypeName("dev.cutover.provisioner.infrastructure-applied.v1")
    record InfrastructureApplied(Meta meta, Target target, String planId, List<String> created, List<String> updated)
            implements ProvisionerEvent {
        public InfrastructureApplied {
            created = created == null ? List.of() : List.copyOf(created);
            updated = updated == null ? List.of() : List.copyOf(updated);
        }
    }
}
