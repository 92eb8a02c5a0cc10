package dev.cutover.orchestrator.model;

import java.util.List;

/**
 * Canary progress: the weights the canary goes through (ending with 100) and the index of the current one.
 * {@code step} is 0-based, as in RunAnalysis / AnalysisCompleted.
 */
public record Rollout(List<Integer> steps, int step) {

    public Rollout {
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    public int weight() {
        return steps.get(step);
    }

    public boolean last() {
        return step >= steps.size() - 1;
    }

    public Rollout at(int index) {
        return new Rollout(steps, index);
    }

    /** Weights below {@code current} that the canary already went through, highest first. */
    public List<Integer> passedBelow(int current) {
        return steps.subList(0, Math.min(step + 1, steps.size())).stream().filter(w -> w < current && w > 0)
                .sorted((a, b) -> b - a).distinct().toList();
    }
}
