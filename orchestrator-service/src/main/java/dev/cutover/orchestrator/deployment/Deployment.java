package dev.cutover.orchestrator.deployment;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Target;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The full state of one deployment: what the REST API shows and what the snapshot topic stores. Immutable;
 * the state machine derives the next one with {@link #edit()}.
 *
 * @param correlationId carried by every message of this deployment
 * @param slot          the slot the new version runs in
 * @param stableSlot    the slot serving the target before this deployment (null on its first deployment)
 * @param settings      from ConfigResolved; null before
 * @param cleanup       while CLEANING_UP: the slot being released and the outcome afterwards
 */
public record Deployment(String id, Target target, String version, String artifact, String strategy,
                         Map<String, Object> overrides, String correlationId, DeploymentStatus status,
                         String stage, String reason, String slot, String stableSlot, String stableVersion,
                         String instanceUrl, String routerUrl, String configHash, RunSettings settings,
                         CleanupPlan cleanup, RollbackFigures rollback, List<Stage> stages, Instant createdAt,
                         Instant updatedAt) {

    public Deployment {
        overrides = overrides == null ? Map.of() : overrides;
        stages = stages == null ? List.of() : List.copyOf(stages);
    }

    public boolean terminal() {
        return status.terminal();
    }

    /** The running stage, or null (PENDING, terminal). */
    public Stage currentStage() {
        if (stages.isEmpty()) {
            return null;
        }
        Stage last = stages.get(stages.size() - 1);
        return last.running() ? last : null;
    }

    public Builder edit() {
        return new Builder(this);
    }

    /** Copy-with for a 22-field record. */
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
            stages = new ArrayList<>(d.stages);
            createdAt = d.createdAt;
            updatedAt = d.updatedAt;
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
        public Builder routerUrl(String v) { routerUrl = v; return this; }
        public Builder configHash(String v) { configHash = v; return this; }
        public Builder settings(RunSettings v) { settings = v; return this; }
        public Builder cleanup(CleanupPlan v) { cleanup = v; return this; }
        public Builder rollback(RollbackFigures v) { rollback = v; return this; }
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        public Builder updatedAt(Instant v) { updatedAt = v; return this; }

        /** Ends the running stage (if any) with {@code outcome}. */
        public Builder endStage(StageStatus outcome, String why, Instant now) {
            int last = stages.size() - 1;
            if (last >= 0 && stages.get(last).running()) {
                stages.set(last, stages.get(last).end(outcome, why, now));
            }
            return this;
        }

        public Builder startStage(String name, Instant now, Instant deadline) {
            stages.add(Stage.start(name, now, deadline));
            stage = name;
            return this;
        }

        public Deployment build() {
            return new Deployment(id, target, version, artifact, strategy, overrides, correlationId, status, stage,
                    reason, slot, stableSlot, stableVersion, instanceUrl, routerUrl, configHash, settings, cleanup,
                    rollback, stages, createdAt, updatedAt);
        }
    }
}
