package dev.cutover.rollback.strategy;

import java.util.Map;

/** One provisioner command of a rollback plan; the saga sends it and waits for its reply. */
public sealed interface RollbackStep {

    /** Set the router weights (answered by TrafficShifted). */
    record Shift(Map<String, Integer> weights) implements RollbackStep {
        public Shift {
            weights = Map.copyOf(weights);
        }
    }

    /** Take a slot out of the router and stop it (answered by SlotReleased). */
    record Release(String slot) implements RollbackStep {
    }
}
