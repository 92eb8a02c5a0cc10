package dev.cutover.provisioner.slot;

import dev.cutover.events.ProvisionerCommand.RouterSecurity;

import java.util.Map;
import java.util.TreeMap;

/**
 * The provisioner's book for one target: its router, the router weights last applied, the router security last
 * asked for (null: never), and what runs in each slot. Immutable; the registry swaps whole states.
 */
public record TargetState(String application, String environment, Integer routerPort, Long routerPid,
                          Map<String, Integer> weights, Map<String, SlotInstance> slots, RouterSecurity security) {

    public TargetState {
        weights = weights == null ? Map.of() : Map.copyOf(weights);
        slots = slots == null ? Map.of() : Map.copyOf(slots);
    }

    public TargetState(String application, String environment, Integer routerPort, Long routerPid,
                       Map<String, Integer> weights, Map<String, SlotInstance> slots) {
        this(application, environment, routerPort, routerPid, weights, slots, null);
    }

    public static TargetState empty(String application, String environment) {
        return new TargetState(application, environment, null, null, Map.of(), Map.of(), null);
    }

    public TargetState withRouter(int port, Long pid) {
        return new TargetState(application, environment, port, pid, weights, slots, security);
    }

    public TargetState withWeights(Map<String, Integer> newWeights) {
        return new TargetState(application, environment, routerPort, routerPid, newWeights, slots, security);
    }

    public TargetState withSecurity(RouterSecurity newSecurity) {
        return new TargetState(application, environment, routerPort, routerPid, weights, slots, newSecurity);
    }

    /** Puts an instance in its slot; a new instance takes no traffic until a shift names it. */
    public TargetState withInstance(SlotInstance instance) {
        Map<String, SlotInstance> s = new TreeMap<>(slots);
        SlotInstance previous = s.put(instance.slot(), instance);
        Map<String, Integer> w = new TreeMap<>(weights);
        if (previous == null || !previous.instanceId().equals(instance.instanceId())) {
            w.remove(instance.slot());
        }
        return new TargetState(application, environment, routerPort, routerPid, w, s, security);
    }

    public TargetState withoutSlot(String slot) {
        Map<String, SlotInstance> s = new TreeMap<>(slots);
        s.remove(slot);
        Map<String, Integer> w = new TreeMap<>(weights);
        w.remove(slot);
        return new TargetState(application, environment, routerPort, routerPid, w, s, security);
    }
}
