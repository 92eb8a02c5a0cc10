package dev.cutover.provisioner.plan;

import dev.cutover.events.InfrastructurePlan;

import java.util.List;

/**
 * Plans and applies the infrastructure of one provider ({@link #provider()} is the placement's
 * {@code provider}: {@code local}, {@code azure}). Planning never changes anything. Calls for one target come one
 * at a time (its lane).
 */
public interface InfrastructurePlanner {

    String provider();

    /** What {@code request} needs compared to what exists, with hardening, cost and the keys not honoured. */
    InfrastructurePlan plan(PlanRequest request) throws PlanningException;

    /**
     * Makes the plan again and, if it still has id {@code planId} and is not blocked, creates / updates what it
     * lists. Idempotent: applied again, it changes nothing.
     */
    Applied apply(PlanRequest request, String planId) throws PlanningException;

    /** Resource ids created and updated. */
    record Applied(List<String> created, List<String> updated) {
        public Applied {
            created = List.copyOf(created);
            updated = List.copyOf(updated);
        }
    }
}
