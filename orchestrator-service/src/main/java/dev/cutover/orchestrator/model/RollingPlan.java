package dev.cutover.orchestrator.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rolling progress. Instances are slots named by generation ({@code a1..aN}, then {@code b1..bN}, ...).
 *
 * @param oldSlots  instances of the previous version still running
 * @param newSlots  instances of this version that passed their health check (serving)
 * @param pending   the new instance being provisioned or checked, or null
 * @param victim    the old instance being taken out (weight 0, then released), or null
 * @param urls      instance url by new slot
 * @param toRelease on failure: new instances still to release
 * @param restoring on failure, before traffic moves back: the released old instance being provisioned again with
 *                  the stable version (its url in {@code urls} once provisioned), or null
 * @param restored  old instances provisioned again and healthy (they are in {@code oldSlots} too)
 */
public record RollingPlan(String prefix, int total, int maxSurge, int maxUnavailable, List<String> oldSlots,
                          List<String> newSlots, String pending, String victim, Map<String, String> urls,
                          List<String> toRelease, String restoring, List<String> restored) {

    public RollingPlan {
        oldSlots = oldSlots == null ? List.of() : List.copyOf(oldSlots);
        newSlots = newSlots == null ? List.of() : List.copyOf(newSlots);
        urls = urls == null ? Map.of() : Map.copyOf(urls);
        toRelease = toRelease == null ? List.of() : List.copyOf(toRelease);
        restored = restored == null ? List.of() : List.copyOf(restored);
    }

    public boolean surge() {
        return maxSurge >= 1;
    }

    public boolean done() {
        return newSlots.size() >= total && oldSlots.isEmpty() && pending == null && victim == null;
    }

    public String nextSlot() {
        for (int i = 1; ; i++) {
            String s = prefix + i;
            if (!newSlots.contains(s) && !s.equals(pending)) {
                return s;
            }
        }
    }

    /** Serving instances (old ones except the victim, then new ones). */
    public List<String> serving() {
        List<String> s = new ArrayList<>();
        oldSlots.stream().filter(o -> !o.equals(victim)).forEach(s::add);
        s.addAll(newSlots);
        return s;
    }

    /** Equal weights over the serving instances, summing to 100 (the first ones take the remainder); the victim 0. */
    public Map<String, Integer> weights() {
        Map<String, Integer> w = equal(serving());
        if (victim != null) {
            w.put(victim, 0);
        }
        return w;
    }

    public static Map<String, Integer> equal(List<String> slots) {
        Map<String, Integer> w = new LinkedHashMap<>();
        int n = slots.size();
        for (int i = 0; i < n; i++) {
            w.put(slots.get(i), 100 / n + (i < 100 % n ? 1 : 0));
        }
        return w;
    }

    public RollingPlan with(List<String> oldSlots, List<String> newSlots, String pending, String victim,
                     Map<String, String> urls, List<String> toRelease) {
        return new RollingPlan(prefix, total, maxSurge, maxUnavailable, oldSlots, newSlots, pending, victim, urls,
                toRelease, restoring, restored);
    }

    public RollingPlan restore(String restoring, List<String> restored) {
        return new RollingPlan(prefix, total, maxSurge, maxUnavailable, oldSlots, newSlots, pending, victim, urls,
                toRelease, restoring, restored);
    }

    public RollingPlan withUrl(String slot, String url) {
        Map<String, String> u = new LinkedHashMap<>(urls);
        u.put(slot, url);
        return with(oldSlots, newSlots, pending, victim, u, toRelease);
    }
}
