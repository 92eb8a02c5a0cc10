package dev.cutover.orchestrator.model;

import dev.cutover.events.InfrastructurePlan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the plan stage found and did for a deployment's target: the provisioner's plan (changes per resource,
 * hardening outcomes, cost with its price table's date, keys the provider cannot honour) and when it came, the plan
 * applied and the resources that created or updated, and what a failed apply had created before it failed (so
 * nothing half-created goes unrecorded, also across retries).
 *
 * @param appliedPlanId the plan id an InfrastructureApplied confirmed; null while not applied (or nothing to apply)
 */
public record InfrastructureRecord(InfrastructurePlan plan, Instant plannedAt, String appliedPlanId,
                                   List<String> created, List<String> updated, List<String> createdBeforeFailure) {

    public InfrastructureRecord {
        created = created == null ? List.of() : List.copyOf(created);
        updated = updated == null ? List.of() : List.copyOf(updated);
        createdBeforeFailure = createdBeforeFailure == null ? List.of() : List.copyOf(createdBeforeFailure);
    }

    /** A fresh plan (a re-plan keeps what failed applies had created). */
    public static InfrastructureRecord planned(InfrastructureRecord before, InfrastructurePlan plan, Instant at) {
        return new InfrastructureRecord(plan, at, null, List.of(), List.of(),
                before == null ? List.of() : before.createdBeforeFailure());
    }

    public InfrastructureRecord applied(String planId, List<String> created, List<String> updated) {
        return new InfrastructureRecord(plan, plannedAt, planId, created, updated, createdBeforeFailure);
    }

    /** An apply failed after creating {@code resources}: kept with those earlier failures created. */
    public static InfrastructureRecord failed(InfrastructureRecord before, List<String> resources) {
        List<String> all = new ArrayList<>(before == null ? List.of() : before.createdBeforeFailure());
        resources.stream().filter(r -> !all.contains(r)).forEach(all::add);
        return before == null ? new InfrastructureRecord(null, null, null, List.of(), List.of(), all)
                : new InfrastructureRecord(before.plan(), before.plannedAt(), before.appliedPlanId(), before.created(),
                before.updated(), all);
    }
}
