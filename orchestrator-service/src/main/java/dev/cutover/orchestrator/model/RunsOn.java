package dev.cutover.orchestrator.model;

import java.util.List;

/**
 * The target kinds ({@code target.kind}: process, app-service, scale-set) a strategy can deploy to: blue-green and
 * canary need two slots behind one router (local processes, or an App Service with its staging slot); rolling
 * needs instances replaced one at a time (local processes, or a scale set).
 */
public record RunsOn(List<String> kinds) {

    public RunsOn {
        kinds = List.copyOf(kinds);
    }

    public boolean allows(String kind) {
        return kinds.contains(kind);
    }

    /** "strategy rolling cannot run on target kind app-service (rolling needs process or scale-set)". */
    public String refusal(String strategy, String kind) {
        return "strategy " + strategy + " cannot run on target kind " + kind + " (" + strategy + " needs "
                + String.join(" or ", kinds) + ")";
    }
}
