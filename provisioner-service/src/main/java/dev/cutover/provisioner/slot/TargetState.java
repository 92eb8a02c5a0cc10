package dev.cutover.provisioner.slot;

import java.util.Map;
import java.util.TreeMap;

/**
 * The provisioner's book for one target: its router, the router weights last applied, and what runs in
 * each slot. Immutable; the registry swaps whole states.
 */
public record TargetState(String application, String environment, Integer routerPort, Long routerPid,
                          Map<String, Integer> weights, Map<String, SlotInstance> slots) {

    public TargetState {
        weights = weights == null ? Map.of() : Map.copyOf(weights);
        slots = slots == null ? Map.of() : Map.copyOf(slots);
    }

    public static TargetState empty(String application, String environment) {
        return new TargetState(application, environment, null, null, Map.of(), Map.of());
    }

    public TargetState withRouter(int port, Long pid) {
        return new TargetState(application, environment, port, pid, weights, slots);
    }

    public TargetState withWeights(Map<String, Integer> newWeights) {
        return new TargetState(application, environment, routerPort, routerPid, newWeights, slots);
    }

    /** Puts an instance in its slot; a new instance takes no traffic until a shift names it. */
    public TargetState withInstance(SlotInstance instance) {
        Map<String, SlotInstance> s = new TreeMap<>(slots);
        SlotInstance previous = s.put(instance.slot(), instance);
        Map<String, Integer> w = new TreeMap<>(weights);
        if (previous == null || !previous.instanceId().equals(instance.instanceId())) {
            w.remove(instance.slot());
        }
        return new TargetState(application, environment, routerPort, routerPid, w, s);
    }

    public TargetState withoutSlot(String slot) {
        Map<String, SlotInstance> s = new TreeMap<>(slots);
        s.remove(slot);
        Map<String, Integer> w = new TreeMap<>(weights);
        w.remove(slot);
        return new TargetState(application, environment, routerPort, routerPid, w, s);
    }
}
