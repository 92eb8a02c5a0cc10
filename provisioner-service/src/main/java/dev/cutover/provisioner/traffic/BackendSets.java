package dev.cutover.provisioner.traffic;

import dev.cutover.events.router.RouterAdminApi.Backend;
import dev.cutover.provisioner.slot.SlotInstance;
import dev.cutover.provisioner.slot.TargetState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Router backend sets from the registry. Every running slot is a backend, with all its instances as the backend's
 * members (so the slot is one metrics key however many instances it runs); slots without a weight keep weight 0
 * while their processes run, so a rollback can switch back to them instantly.
 */
public final class BackendSets {

    private BackendSets() {
    }

    /** The backend set for the state as it is (its last applied weights). */
    public static List<Backend> of(TargetState state) {
        List<Backend> backends = new ArrayList<>();
        for (SlotInstance instance : new TreeMap<>(state.slots()).values()) {
            backends.add(new Backend(instance.slot(), instance.url(), state.weights().getOrDefault(instance.slot(), 0),
                    instance.version(), instance.urls()));
        }
        return backends;
    }

    /**
     * The weights a ShiftTraffic asks for, completed with 0 for every other running slot.
     *
     * @throws IllegalArgumentException with the reason when the request cannot be applied
     */
    public static Map<String, Integer> shift(TargetState state, Map<String, Integer> requested) {
        if (requested == null || requested.isEmpty()) {
            throw new IllegalArgumentException("no weights given");
        }
        int sum = 0;
        for (Map.Entry<String, Integer> e : new TreeMap<>(requested).entrySet()) {
            Integer w = e.getValue();
            if (w == null || w < 0 || w > 100) {
                throw new IllegalArgumentException("weight of slot " + e.getKey() + " must be 0..100, was " + w);
            }
            if (w > 0 && !state.slots().containsKey(e.getKey())) {
                throw new IllegalArgumentException("slot " + e.getKey() + " should get weight " + w
                        + " but runs no instance (running: " + new TreeMap<>(state.slots()).keySet() + ")");
            }
            sum += w;
        }
        if (sum != 100) {
            throw new IllegalArgumentException("weights must add up to 100, they add up to " + sum + ": " + requested);
        }
        Map<String, Integer> weights = new TreeMap<>();
        state.slots().keySet().forEach(slot -> weights.put(slot, 0));
        weights.putAll(requested);
        return weights;
    }
}
