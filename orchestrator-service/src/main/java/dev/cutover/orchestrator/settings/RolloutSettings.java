package dev.cutover.orchestrator.settings;

import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;

import java.util.List;
import java.util.Map;

/**
 * The strategy-related part of a resolved configuration: {@code canary.*}, {@code analysis.*},
 * {@code rollback.*}, {@code rolling.*}, {@code infrastructure.instance-count} and {@code pipeline.*}.
 *
 * @param pipelineTimeoutsMs optional whole-stage timeouts by pipeline stage (provision, deploy, test, promote)
 */
public record RolloutSettings(List<Integer> canarySteps, AnalysisSpec analysis, String rollbackStrategy,
                              long rollbackStepIntervalMs, int instanceCount, int maxSurge, int maxUnavailable,
                              boolean approvalBeforePromote, long approvalTimeoutMs,
                              Map<String, Long> pipelineTimeoutsMs) {

    public static final String IMMEDIATE = "immediate";
    public static final String GRADUAL = "gradual";
    public static final String MANUAL = "manual";

    public static final AnalysisSpec DEFAULT_ANALYSIS = new AnalysisSpec(30000, 1000, 50, 2, 10000,
            InsufficientDataPolicy.PAUSE, 1.5, 1.2, 0.8, 0.05, 2000, List.of("/health"), 2, 10000L);

    public static final RolloutSettings DEFAULTS = new RolloutSettings(List.of(5, 25, 50, 100), DEFAULT_ANALYSIS,
            IMMEDIATE, 5000, 1, 1, 0, false, 3_600_000, Map.of());

    public RolloutSettings {
        pipelineTimeoutsMs = pipelineTimeoutsMs == null ? Map.of() : Map.copyOf(pipelineTimeoutsMs);
    }
}
