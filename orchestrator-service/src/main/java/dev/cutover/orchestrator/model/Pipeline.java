package dev.cutover.orchestrator.model;


import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Every deployment runs as the pipeline stages provision → deploy → test → promote (plus rollback when it runs).
 * The finer stages ({@link Stage}) are the steps inside them; each fine stage records its pipeline stage when it
 * starts. A pipeline stage is a rollback point when a failure inside it moves traffic back to the stable version
 * (before it, the new version never served, so it is only released).
 * <p>
 * Every strategy: provision starts with config, plan (the infrastructure plan), the approval of a plan with changes
 * when the environment gates it, and apply.
 * <p>
 * blue-green: provision = config, provision; deploy = verify, switch; test = monitor; promote = approval, cleanup.
 * canary: provision = config, provision; deploy = verify and each step's traffic shift; test = each step's
 * analysis; promote = approval, the shift to 100 %, the final watch, cleanup.
 * rolling: provision = config; deploy = every instance's provision, check, shift and release; promote = the
 * approval after the first instance (if the environment has a gate); test has no steps (SKIPPED).
 */
public enum Pipeline implements WireKind {
    PROVISION, DEPLOY, TEST, PROMOTE,
    /** Only when a rollback runs. */
    ROLLBACK;

    /** The stages every deployment shows, in order. */
    public static final List<Pipeline> STAGES = List.of(PROVISION, DEPLOY, TEST, PROMOTE);

    /** A failure inside this stage moves traffic back to the stable version (before it, the new one never served). */
    public boolean rollbackPoint() {
        return this == DEPLOY || this == TEST || this == PROMOTE;
    }

    /**
     * The pipeline stage of the fine stages every strategy shares (each strategy places its own first, see
     * {@code DeploymentStrategy#pipelineStage}): verify, switch and release deploy; analysis tests; rollback and
     * restore roll back; a pause stays in the pipeline stage it interrupted.
     */
    public static Pipeline shared(Deployment d, String stage) {
        return switch (stage) {
            case Stage.CONFIG, Stage.PLAN, Stage.APPLY, Stage.REPLAN, Stage.RETRY, Stage.PROVISION -> PROVISION;
            case Stage.ANALYSIS, Stage.MONITOR -> TEST;
            case Stage.APPROVAL -> PROMOTE;
            case Stage.ROLLBACK, Stage.RESTORE -> ROLLBACK;
            case Stage.PAUSE -> {
                Stage current = d.stages().isEmpty() ? null : d.stages().get(d.stages().size() - 1);
                yield current == null || current.pipeline() == null ? DEPLOY : current.pipeline();
            }
            default -> DEPLOY;
        };
    }

    /** Time spent so far in a pipeline stage's fine stages, pauses and retry waits excluded. */
    public static Duration spent(Deployment d, Pipeline pipelineStage, Instant now) {
        Duration total = Duration.ZERO;
        for (Stage s : d.stages()) {
            if (pipelineStage == s.pipeline() && !Stage.PAUSE.equals(s.name())
                    && !Stage.APPROVAL.equals(s.name()) && !Stage.RETRY.equals(s.name())
                    && !Stage.REPLAN.equals(s.name())) {
                total = total.plus(Duration.between(s.startedAt(), s.endedAt() != null ? s.endedAt() : now));
            }
        }
        return total;
    }
}
