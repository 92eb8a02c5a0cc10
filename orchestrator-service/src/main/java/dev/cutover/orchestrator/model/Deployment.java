package dev.cutover.orchestrator.model;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.settings.RunSettings;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The full state of one deployment: what the REST API shows and what the snapshot topic stores. Immutable;
 * the state machine derives the next one with {@link #edit()}. Everything a restart needs to carry on (steps,
 * weights, holds, the rollback being executed, the queue position via status QUEUED + createdAt, deadlines in
 * {@link #stages}) lives here.
 *
 * @param correlationId carried by every message of this deployment
 * @param slot          the slot the new version runs in (blue-green, canary); null for rolling and while QUEUED
 * @param stableSlot    the slot serving the target before this deployment (null on its first deployment)
 * @param stableUrl     the stable slot's instance url, when known (watched by a gradual rollback)
 * @param settings      from ConfigResolved; null before
 * @param cleanup       while CLEANING_UP: the slot being released and the outcome afterwards
 * @param onConflict    the concurrency policy it was requested with (reject, queue, supersede)
 * @param weights       the traffic weights last confirmed by the provisioner
 * @param rollout       canary steps and the current step
 * @param rolling       rolling progress
 * @param hold          while PAUSED or AWAITING_APPROVAL: why, and where it continues
 * @param rollbackPlan  while ROLLING_BACK: the StartRollback being executed and the final status
 * @param approved      the approval gate was passed
 * @param analyses      every AnalysisCompleted received, with what was done with it
 * @param actions       operator actions
 * @param stableSlots   every slot serving the target before this deployment (rolling: several instances)
 * @param attempt       the provision attempt under way (1-based; a retry before the switch starts the next one)
 * @param failures      every classified failure, with what was done about it
 * @param config        the resolved configuration it runs with (secret references only, never values)
 * @param provenance    dotted key → the layer that set it (base, environment:&lt;name&gt;, overrides), when known
 * @param configPinnedFrom the deployment whose resolved configuration was reused (redeploy), instead of resolving
 * @param stableArtifact the stable version's artifact, when known (rolling: restores released old instances)
 * @param stableEnvironment the stable version's instance environment, when known (with {@code stableArtifact})
 * @param routerAdminUrl    where the target's router serves its admin API and per-backend metrics, as the
 *                          provisioner reported it (SlotProvisioned, TrafficShifted)
 * @param infrastructure    the target's infrastructure plan and what applying it created (null: no plan stage ran,
 *                          e.g. a deployment recorded before it existed)
 * @param sha256            the artifact's expected SHA-256 (hex), from the request; null when none was given
 * @param audit             every state-changing call on it: who (subject, via), when, what and why; the first
 *                          ({@code start} or {@code redeploy}) names the requester. Left out of the snapshot while
 *                          empty, so snapshots written before it read and write back the same
 */
public record Deployment(String id,
                         Target target,
                         String version,
                         String artifact,
                         String strategy,
                         Map<String, Object> overrides,
                         String correlationId,
                         DeploymentStatus status,
                         String stage,
                         String reason,
                         String slot,
                         String stableSlot,
                         String stableVersion,
                         String instanceUrl,
                         String routerUrl,
                         String configHash,
                         RunSettings settings,
                         CleanupPlan cleanup,
                         RollbackFigures rollback,
                         List<Stage> stages,
                         Instant createdAt,
                         Instant updatedAt,
                         String stableUrl,
                         String onConflict,
                         Map<String, Integer> weights,
                         Rollout rollout,
                         RollingPlan rolling,
                         Hold hold,
                         RollbackPlan rollbackPlan,
                         boolean approved,
                         List<AnalysisEntry> analyses,
                         List<OperatorAction> actions,
                         List<String> stableSlots,
                         int attempt,
                         List<FailureRecord> failures,
                         Map<String, Object> config,
                         Map<String, String> provenance,
                         String configPinnedFrom,
                         String stableArtifact,
                         Map<String, String> stableEnvironment, String routerAdminUrl,
                         InfrastructureRecord infrastructure,
                         String sha256,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) List<AuditEntry> audit) {

    public Deployment {
        audit = audit == null ? List.of() : List.copyOf(audit);
        stableEnvironment = stableEnvironment == null ? null : Map.copyOf(stableEnvironment);
        attempt = Math.max(1, attempt);
        failures = failures == null ? List.of() : List.copyOf(failures);
        overrides = overrides == null ? Map.of() : overrides;
        stages = stages == null ? List.of() : List.copyOf(stages);
        weights = weights == null ? Map.of() : Map.copyOf(weights);
        analyses = analyses == null ? List.of() : List.copyOf(analyses);
        actions = actions == null ? List.of() : List.copyOf(actions);
        stableSlots = stableSlots == null ? (stableSlot == null ? List.of() : List.of(stableSlot))
                : List.copyOf(stableSlots);
    }

    public boolean terminal() {
        return status.terminal();
    }

    /** The running stage, or null (PENDING, QUEUED, terminal). */
    public Stage currentStage() {
        if (stages.isEmpty()) {
            return null;
        }
        Stage last = stages.get(stages.size() - 1);
        return last.running() ? last : null;
    }

    /** The slots that serve the target once this (terminal) deployment ended. */
    public List<String> servingSlots() {
        if (status == DeploymentStatus.SUCCEEDED) {
            if (rolling != null) {
                return rolling.newSlots();
            }
            return slot == null ? List.of() : List.of(slot);
        }
        if (rolling != null) {
            return rolling.oldSlots();
        }
        return stableSlots;
    }

    /** Who asked for it: the first audit entry ({@code start}, {@code redeploy}); empty for older snapshots. */
    public Optional<Actor> requester() {
        return audit.stream().filter(a -> "start".equals(a.action()) || "redeploy".equals(a.action())).findFirst()
                .map(AuditEntry::actor);
    }

    /** The most recent failure, or null. */
    public FailureRecord lastFailure() {
        return failures.isEmpty() ? null : failures.get(failures.size() - 1);
    }

    public Builder edit() {
        return new Builder(this);
    }

    /** Copy-with for a record this size. */
    public static final class Builder {
        private String id;
        private Target target;
        private String version;
        private String artifact;
        private String strategy;
        private Map<String, Object> overrides;
        private String correlationId;
        private DeploymentStatus status;
        private String stage;
        private String reason;
        private String slot;
        private String stableSlot;
        private String stableVersion;
        private String instanceUrl;
        private String routerUrl;
        private String configHash;
        private RunSettings settings;
        private CleanupPlan cleanup;
        private RollbackFigures rollback;
        private List<Stage> stages;
        private Instant createdAt;
        private Instant updatedAt;
        private String stableUrl;
        private String onConflict;
        private Map<String, Integer> weights;
        private Rollout rollout;
        private RollingPlan rolling;
        private Hold hold;
        private RollbackPlan rollbackPlan;
        private boolean approved;
        private List<AnalysisEntry> analyses;
        private List<OperatorAction> actions;
        private List<String> stableSlots;
        private int attempt = 1;
        private List<FailureRecord> failures;
        private Map<String, Object> config;
        private Map<String, String> provenance;
        private String configPinnedFrom;
        private String stableArtifact;
        private Map<String, String> stableEnvironment;
        private String routerAdminUrl;
        private InfrastructureRecord infrastructure;
        private String sha256;
        private List<AuditEntry> audit;

        public Builder() {
            stages = new ArrayList<>();
        }

        private Builder(Deployment d) {
            id = d.id;
            target = d.target;
            version = d.version;
            artifact = d.artifact;
            strategy = d.strategy;
            overrides = d.overrides;
            correlationId = d.correlationId;
            status = d.status;
            stage = d.stage;
            reason = d.reason;
            slot = d.slot;
            stableSlot = d.stableSlot;
            stableVersion = d.stableVersion;
            instanceUrl = d.instanceUrl;
            routerUrl = d.routerUrl;
            configHash = d.configHash;
            settings = d.settings;
            cleanup = d.cleanup;
            rollback = d.rollback;
            stages = d.stages;
            createdAt = d.createdAt;
            updatedAt = d.updatedAt;
            stableUrl = d.stableUrl;
            onConflict = d.onConflict;
            weights = d.weights;
            rollout = d.rollout;
            rolling = d.rolling;
            hold = d.hold;
            rollbackPlan = d.rollbackPlan;
            approved = d.approved;
            analyses = d.analyses;
            actions = d.actions;
            stableSlots = d.stableSlots;
            attempt = d.attempt;
            failures = d.failures;
            config = d.config;
            provenance = d.provenance;
            configPinnedFrom = d.configPinnedFrom;
            stableArtifact = d.stableArtifact;
            stableEnvironment = d.stableEnvironment;
            routerAdminUrl = d.routerAdminUrl;
            infrastructure = d.infrastructure;
            sha256 = d.sha256;
            audit = d.audit;
            stages = new ArrayList<>(d.stages);
        }

        public Builder id(String v) { id = v; return this; }
        public Builder target(Target v) { target = v; return this; }
        public Builder version(String v) { version = v; return this; }
        public Builder artifact(String v) { artifact = v; return this; }
        public Builder strategy(String v) { strategy = v; return this; }
        public Builder overrides(Map<String, Object> v) { overrides = v; return this; }
        public Builder correlationId(String v) { correlationId = v; return this; }
        public Builder status(DeploymentStatus v) { status = v; return this; }
        public Builder stage(String v) { stage = v; return this; }
        public Builder reason(String v) { reason = v; return this; }
        public Builder slot(String v) { slot = v; return this; }
        public Builder stableSlot(String v) { stableSlot = v; return this; }
        public Builder stableVersion(String v) { stableVersion = v; return this; }
        public Builder instanceUrl(String v) { instanceUrl = v; return this; }
        /** Keeps the known URL when an event does not report one (SlotProvisioned, TrafficShifted). */
        public Builder routerUrl(String v) { routerUrl = v == null ? routerUrl : v; return this; }
        public Builder configHash(String v) { configHash = v; return this; }
        public Builder settings(RunSettings v) { settings = v; return this; }
        public Builder cleanup(CleanupPlan v) { cleanup = v; return this; }
        public Builder rollback(RollbackFigures v) { rollback = v; return this; }
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        public Builder updatedAt(Instant v) { updatedAt = v; return this; }
        public Builder stableUrl(String v) { stableUrl = v; return this; }
        public Builder onConflict(String v) { onConflict = v; return this; }
        public Builder weights(Map<String, Integer> v) { weights = v; return this; }
        public Builder rollout(Rollout v) { rollout = v; return this; }
        public Builder rolling(RollingPlan v) { rolling = v; return this; }
        public Builder hold(Hold v) { hold = v; return this; }
        public Builder rollbackPlan(RollbackPlan v) { rollbackPlan = v; return this; }
        public Builder approved(boolean v) { approved = v; return this; }
        public Builder analyses(List<AnalysisEntry> v) { analyses = v; return this; }
        public Builder actions(List<OperatorAction> v) { actions = v; return this; }
        public Builder stableSlots(List<String> v) { stableSlots = v; return this; }
        public Builder attempt(int v) { attempt = v; return this; }
        public Builder config(Map<String, Object> v) { config = v; return this; }
        public Builder provenance(Map<String, String> v) { provenance = v; return this; }
        public Builder configPinnedFrom(String v) { configPinnedFrom = v; return this; }
        public Builder stableArtifact(String v) { stableArtifact = v; return this; }
        public Builder stableEnvironment(Map<String, String> v) { stableEnvironment = v; return this; }
        /** Keeps the known URL when an event does not report one. */
        public Builder infrastructure(InfrastructureRecord v) { infrastructure = v; return this; }
        public Builder routerAdminUrl(String v) { routerAdminUrl = v == null ? routerAdminUrl : v; return this; }

        public Builder addFailure(FailureRecord failure) {
            List<FailureRecord> all = new ArrayList<>(failures == null ? List.of() : failures);
            all.add(failure);
            failures = all;
            return this;
        }

        /** Ends the running stage (if any) with {@code outcome}. */
        public Builder endStage(StageStatus outcome, String why, Instant now) {
            int last = stages.size() - 1;
            if (last >= 0 && stages.get(last).running()) {
                stages.set(last, stages.get(last).end(outcome, why, now));
            }
            return this;
        }

        public Builder startStage(String name, Instant now, Instant deadline) {
            return startStage(name, now, deadline, (Pipeline) null);
        }

        public Builder startStage(String name, Instant now, Instant deadline, Pipeline pipeline) {
            stages.add(Stage.start(name, now, deadline, pipeline));
            stage = name;
            return this;
        }

        /** The running stage (if any) replaced by {@code change} applied to it. */
        public Builder changeStage(UnaryOperator<Stage> change) {
            int last = stages.size() - 1;
            if (last >= 0 && stages.get(last).running()) {
                stages.set(last, change.apply(stages.get(last)));
            }
            return this;
        }

        public Builder addAnalysis(AnalysisEntry entry) {
            List<AnalysisEntry> all = new ArrayList<>(analyses == null ? List.of() : analyses);
            all.add(entry);
            analyses = all;
            return this;
        }

        public Builder sha256(String v) { sha256 = v; return this; }
        public Builder audit(List<AuditEntry> v) { audit = v; return this; }

        public Builder addAudit(AuditEntry entry) {
            List<AuditEntry> all = new ArrayList<>(audit == null ? List.of() : audit);
            all.add(entry);
            audit = all;
            return this;
        }

        public Builder addAction(OperatorAction action) {
            List<OperatorAction> all = new ArrayList<>(actions == null ? List.of() : actions);
            all.add(action);
            actions = all;
            return this;
        }

        public Deployment build() {
            return new Deployment(id, target, version, artifact, strategy, overrides, correlationId, status, stage, reason, slot, stableSlot, stableVersion, instanceUrl, routerUrl, configHash, settings, cleanup, rollback, stages, createdAt, updatedAt, stableUrl, onConflict, weights, rollout, rolling, hold, rollbackPlan, approved, analyses, actions, stableSlots, attempt, failures, config, provenance, configPinnedFrom, stableArtifact, stableEnvironment, routerAdminUrl, infrastructure, sha256, audit);
        }
    }
}
