package dev.cutover.events;

import java.util.Map;

/** What the provisioner-service did, on {@link Topics#PROVISIONER_EVENTS}. */
public sealed interface ProvisionerEvent extends Event {

    @Override
    default String topic() {
        return Topics.PROVISIONER_EVENTS;
    }

    /** The slot runs the version and answers on {@code instanceUrl} (not yet serving traffic). */
    @TypeName("dev.cutover.provisioner.slot-provisioned.v1")
    record SlotProvisioned(Meta meta, Target target, String slot, String version, String instanceUrl,
                           String instanceId) implements ProvisionerEvent {
    }

    /** {@code operation} is provision, shift or release. */
    @TypeName("dev.cutover.provisioner.failed.v1")
    record ProvisioningFailed(Meta meta, Target target, @OptionalField String slot, String operation,
                              String reason)
            implements ProvisionerEvent {
    }

    @TypeName("dev.cutover.traffic.shifted.v1")
    record TrafficShifted(Meta meta, Target target, Map<String, Integer> weights, @OptionalField String routerUrl,
                          String reason) implements ProvisionerEvent {
    }

    @TypeName("dev.cutover.provisioner.slot-released.v1")
    record SlotReleased(Meta meta, Target target, String slot, String reason) implements ProvisionerEvent {
    }
}
