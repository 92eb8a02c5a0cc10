package dev.cutover.orchestrator.api;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.orchestrator.model.AnalysisEntry;
import dev.cutover.orchestrator.model.AuditEntry;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.FailureRecord;
import dev.cutover.orchestrator.model.HoldKind;
import dev.cutover.orchestrator.model.InfrastructureRecord;
import dev.cutover.orchestrator.model.OperatorAction;
import dev.cutover.orchestrator.model.Pipeline;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.StageStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A deployment as the REST API shows it. {@code stages} are the fine-grained steps (blue-green: config, provision,
 * verify, switch, monitor, cleanup; canary adds analysis per step, approval, pause); {@code pipeline} groups them
 * into provision → deploy → test → promote (+ rollback), each with its status, timeout (if configured) and whether
 * it is a rollback point. Canary: {@code steps} (weights), {@code currentStep} (0-based) and every analysis with its
 * decision record. {@code onConflict}: the concurrency policy (reject, queue, supersede). {@code failures}: every
 * classified failure with the action taken and the attempt it hit; {@code attempt}: the provision attempt under way.
 * {@code configHash}, {@code config} (secret references only) and {@code provenance}: the configuration it runs
 * with; {@code configPinnedFrom}: the earlier deployment whose configuration a redeploy reused.
 * {@code infrastructure}: the plan stage's record — the plan (per resource create / update / unchanged with the
 * property changes, hardening outcomes, the monthly cost with its price table's date, the keys the provider does
 * not honour), when it came, the plan applied with what it created and updated, and what failed applies had created
 * ({@code createdBeforeFailure}); absent for deployments recorded before the plan stage. {@code sha256}: the
 * artifact's expected digest from the request. {@code audit}: every state-changing call — {@code action}, who
 * ({@code subject}, {@code via} rest / kafka / webhook), {@code at}, {@code reason}, {@code from} (the status it
 * was called in) — the first one naming the requester.
 */
public record DeploymentView(String id, String application, String environment, String version, String artifact,
                             String sha256, String strategy, DeploymentStatus status, String stage, String reason, String slot,
                             String stableSlot, String stableVersion, String routerUrl, String configHash,
                             Instant createdAt, Instant updatedAt, List<StageView> stages, RollbackView rollback,
                             List<PipelineStageView> pipeline, String onConflict, List<Integer> steps,
                             Integer currentStep, Map<String, Integer> weights, List<AnalysisEntry> analyses,
                             HoldView hold, List<OperatorAction> actions, RollingView rolling,
                             RollbackPlanView rollbackPlan, int attempt, List<FailureRecord> failures,
                             Map<String, Object> config, Map<String, String> provenance, String configPinnedFrom,
                             InfrastructureRecord infrastructure, List<AuditEntry> audit) {

    /** {@code commandId}: the messageId of the command the stage issued; {@code resends}: how often it went again. */
    public record StageView(String name, StageStatus status, Instant startedAt, Instant endedAt, String reason,
                            Instant deadline, Pipeline pipeline, String commandId, int resends) {
    }

    /** {@code status} NOT_STARTED or SKIPPED when none of its steps ran. */
    public record PipelineStageView(Pipeline name, String status, Instant startedAt, Instant endedAt, Long timeoutMs,
                                    boolean rollbackPoint, List<String> steps) {
    }

    public record RollbackView(long trafficRestoredMs, long durationMs) {
    }

    public record HoldView(HoldKind kind, String reason) {
    }

    public record RollingView(int instances, int maxSurge, int maxUnavailable, List<String> oldInstances,
                              List<String> newInstances, String pending, String draining) {
    }

    public record RollbackPlanView(String strategy, List<Integer> steps, Long stepIntervalMs, String endAs) {
    }

    public static DeploymentView of(Deployment d) {
        List<StageView> stages = d.stages().stream().map(DeploymentView::stage).toList();
        RollbackView rollback = d.rollback() == null ? null
                : new RollbackView(d.rollback().trafficRestoredMs(), d.rollback().durationMs());
        HoldView hold = d.hold() == null ? null : new HoldView(d.hold().kind(), d.hold().reason());
        RollingView rolling = d.rolling() == null ? null : new RollingView(d.rolling().total(),
                d.rolling().maxSurge(), d.rolling().maxUnavailable(), d.rolling().oldSlots(), d.rolling().newSlots(),
                d.rolling().pending(), d.rolling().victim());
        RollbackPlanView plan = d.rollbackPlan() == null ? null : new RollbackPlanView(d.rollbackPlan().strategy(),
                d.rollbackPlan().steps(), d.rollbackPlan().stepIntervalMs(),
                d.rollbackPlan().endAs() == null ? null : d.rollbackPlan().endAs().name());
        return new DeploymentView(d.id(), d.target().application(), d.target().environment(), d.version(),
                d.artifact(), d.sha256(), d.strategy(), d.status(), d.stage(), d.reason(), d.slot(), d.stableSlot(),
                d.stableVersion(), d.routerUrl(), d.configHash(), d.createdAt(), d.updatedAt(), stages, rollback,
                pipeline(d), d.onConflict() == null ? "reject" : d.onConflict(),
                d.rollout() == null ? null : d.rollout().steps(),
                d.rollout() == null ? null : d.rollout().step(), d.weights(), d.analyses(), hold, d.actions(),
                rolling, plan, d.attempt(), d.failures(), d.config(), d.provenance(), d.configPinnedFrom(),
                d.infrastructure(), d.audit());
    }

    private static List<PipelineStageView> pipeline(Deployment d) {
        List<Pipeline> names = new ArrayList<>(Pipeline.STAGES);
        if (d.stages().stream().anyMatch(s -> Pipeline.ROLLBACK.equals(s.pipeline()))) {
            names.add(Pipeline.ROLLBACK);
        }
        Map<String, Long> timeouts = d.settings() == null ? Map.of() : d.settings().rollout().pipelineTimeoutsMs();
        List<PipelineStageView> out = new ArrayList<>();
        for (Pipeline name : names) {
            List<Stage> steps = d.stages().stream().filter(s -> name == s.pipeline()).toList();
            String status;
            Instant started = null;
            Instant ended = null;
            if (steps.isEmpty()) {
                status = d.terminal() ? "SKIPPED" : "NOT_STARTED";
            } else {
                started = steps.get(0).startedAt();
                Stage last = steps.get(steps.size() - 1);
                boolean running = steps.stream().anyMatch(s -> s.status() == StageStatus.RUNNING);
                boolean failed = steps.stream().anyMatch(s -> s.status() == StageStatus.FAILED);
                status = running ? "RUNNING" : failed ? "FAILED"
                        : last.status() == StageStatus.INTERRUPTED ? "INTERRUPTED" : "SUCCEEDED";
                ended = running ? null : last.endedAt();
            }
            out.add(new PipelineStageView(name, status, started, ended, timeouts.get(name.wire()),
                    name.rollbackPoint(), steps.stream().map(Stage::name).distinct().toList()));
        }
        return out;
    }

    private static StageView stage(Stage s) {
        return new StageView(s.name(), s.status(), s.startedAt(), s.endedAt(), s.reason(), s.deadline(), s.pipeline(),
                s.commandId(), s.resends());
    }
}
