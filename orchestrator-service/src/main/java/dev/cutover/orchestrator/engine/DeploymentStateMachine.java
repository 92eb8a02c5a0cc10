package dev.cutover.orchestrator.deployment;

import dev.cutover.events.Command;
import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent.ConfigRejected;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.DeploymentEvent;
import dev.cutover.events.DeploymentEvent.DeploymentAccepted;
import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Event;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.RollbackEvent.RollbackStepCompleted;
import dev.cutover.orchestrator.failure.Classification;
import dev.cutover.orchestrator.failure.Classifier;
import dev.cutover.orchestrator.failure.FailureType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static dev.cutover.events.DeploymentStatus.AWAITING_APPROVAL;
import static dev.cutover.events.DeploymentStatus.CLEANING_UP;
import static dev.cutover.events.DeploymentStatus.CONFIGURING;
import static dev.cutover.events.DeploymentStatus.FAILED;
import static dev.cutover.events.DeploymentStatus.MONITORING;
import static dev.cutover.events.DeploymentStatus.PAUSED;
import static dev.cutover.events.DeploymentStatus.PENDING;
import static dev.cutover.events.DeploymentStatus.PROGRESSING;
import static dev.cutover.events.DeploymentStatus.PROVISIONING;
import static dev.cutover.events.DeploymentStatus.QUEUED;
import static dev.cutover.events.DeploymentStatus.ROLLED_BACK;
import static dev.cutover.events.DeploymentStatus.ROLLING_BACK;
import static dev.cutover.events.DeploymentStatus.SUCCEEDED;
import static dev.cutover.events.DeploymentStatus.SUPERSEDED;
import static dev.cutover.events.DeploymentStatus.SWITCHING;
import static dev.cutover.events.DeploymentStatus.VERIFYING;

/**
 * Deployments as a pure function: (deployment, input) → (next deployment, messages to publish). No Quarkus, no
 * Kafka, no clock: callers pass {@code now}. The strategy-specific steps live in one {@link DeploymentStrategy}
 * per strategy; this class keeps what they share: config, cleanup, rollback, holds (PAUSED,
 * AWAITING_APPROVAL), operator actions, the queue and deadlines.
 * <p>
 * The command of each non-terminal status (and stage) is derived from the deployment alone ({@link #commandFor}),
 * so entering a status and re-issuing it after a restart send the same command. Inputs not expected in the
 * current status are ignored: that makes redelivered events, duplicate agent replies and the provisioner
 * traffic caused by the rollback-service harmless.
 * <p>
 * Failure rules: before traffic moved (provision, verify) the new slot is released, then FAILED; config
 * failures are FAILED at once (nothing provisioned). Once traffic may be on the new version, a failure rolls
 * back to the stable slot by the environment's {@code rollback.strategy} (immediate, gradual, or manual: PAUSED
 * for an operator); on a target's first deployment (no stable slot) the new slot is released instead, then
 * FAILED. Rollback never re-runs analysis.
 */
public final class DeploymentStateMachine {

    public static final String PRE_SWITCH = "pre-switch";
    public static final String POST_SWITCH = "post-switch";
    public static final String ROLLBACK_STRATEGY = RolloutSettings.IMMEDIATE;
    public static final String ABORTED = "aborted by operator";

    /** Why a rollback starts: it decides the rollback strategy and the final status. */
    enum Trigger {
        /** A check, an analysis or a stage failed: the configured strategy; manual pauses. */
        FAILURE,
        /** POST /rollback: the configured strategy (manual means "now, immediately"). */
        OPERATOR,
        /** POST /abort: immediate. */
        ABORT,
        /** A newer deployment replaces this one: immediate, ends SUPERSEDED. */
        SUPERSEDE
    }

    private final StageTimeouts timeouts;

    public DeploymentStateMachine(StageTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    // ---- accept, queue, start ------------------------------------------------------------------------------

    /** A new deployment, PENDING: saved and announced before anything is commanded. */
    public Transition accept(String id, String correlationId, DeploymentRequest request, SlotPlan plan, Meta cause,
                             Instant now) {
        return accept(id, correlationId, request, plan, cause, now, null);
    }

    /** As {@link #accept}; with {@code pinned} the deployment runs with that configuration and skips the config stage. */
    public Transition accept(String id, String correlationId, DeploymentRequest request, SlotPlan plan, Meta cause,
                             Instant now, PinnedConfig pinned) {
        Deployment d = pin(newDeployment(id, correlationId, request, now), pinned).status(PENDING).reason("accepted")
                .build();
        d = planned(d, plan);
        DeploymentAccepted accepted = new DeploymentAccepted(meta(d, cause, now), d.target(), d.version(),
                d.strategy());
        return new Transition(null, d, List.of(accepted), "accepted");
    }

    /** A new deployment that waits for the target's active one to end (onConflict queue or supersede). */
    public Transition queue(String id, String correlationId, DeploymentRequest request, String behind, Meta cause,
                            Instant now) {
        return queue(id, correlationId, request, behind, cause, now, null);
    }

    public Transition queue(String id, String correlationId, DeploymentRequest request, String behind, Meta cause,
                            Instant now, PinnedConfig pinned) {
        String reason = "queued behind deployment " + behind
                + (DeploymentRequest.SUPERSEDE.equals(request.onConflict()) ? " (superseding it)" : "");
        Deployment d = pin(newDeployment(id, correlationId, request, now), pinned).status(QUEUED).reason(reason)
                .stage("queue").build();
        List<Message> out = List.of(
                new DeploymentAccepted(meta(d, cause, now), d.target(), d.version(), d.strategy()),
                new DeploymentStatusChanged(meta(d, cause, now), d.target(), d.version(), QUEUED, "queue", reason));
        return new Transition(null, d, out, reason);
    }

    private static Deployment.Builder newDeployment(String id, String correlationId, DeploymentRequest request,
                                                    Instant now) {
        return new Deployment.Builder().id(id).target(request.target()).version(request.version())
                .artifact(request.artifact()).strategy(request.strategy()).overrides(request.overrides())
                .onConflict(request.onConflict()).correlationId(correlationId).createdAt(now).updatedAt(now);
    }

    private static Deployment.Builder pin(Deployment.Builder b, PinnedConfig pinned) {
        return pinned == null ? b : b.configHash(pinned.configHash()).config(pinned.config())
                .provenance(pinned.provenance()).configPinnedFrom(pinned.fromDeploymentId());
    }

    private static Deployment planned(Deployment d, SlotPlan plan) {
        if (plan == null) {
            return d;
        }
        boolean rolling = Strategies.ROLLING.equals(d.strategy());
        return d.edit().slot(rolling ? null : plan.slot()).stableSlot(plan.stableSlot())
                .stableVersion(plan.stableVersion()).stableUrl(plan.stableUrl()).stableSlots(plan.stableSlots())
                .stableArtifact(plan.stableArtifact()).stableEnvironment(plan.stableEnvironment())
                .build();
    }

    /** PENDING → CONFIGURING. */
    public Transition start(Deployment d, Instant now) {
        if (d.status() != PENDING) {
            return Transition.ignored(d);
        }
        if (pinned(d)) {
            return configured(d, null, now, pinnedReason(d));
        }
        String reason = "resolving configuration for " + d.version();
        return advance(d, null, now, StageStatus.SUCCEEDED, CONFIGURING, reason, b -> b);
    }

    private static boolean pinned(Deployment d) {
        return d.configPinnedFrom() != null && d.config() != null;
    }

    private static String pinnedReason(Deployment d) {
        return "configuration pinned to " + d.configHash() + " from deployment " + d.configPinnedFrom();
    }

    /**
     * The configuration is known ({@code d.config()}): run the strategy's first step with it, or FAILED when the
     * orchestrator cannot run with it.
     */
    private Transition configured(Deployment d, Meta cause, Instant now, String reason) {
        RunSettings settings;
        try {
            settings = RunSettings.from(d.config());
        } catch (IllegalArgumentException e) {
            String why = "invalid configuration: " + e.getMessage();
            FailureRecord f = FailureRecord.of(Classifier.configuration(), "stopped: fix the configuration",
                    FailureRecord.STOP, d.attempt(), Stage.CONFIG, why, now);
            return advance(d, cause, now, StageStatus.FAILED, FAILED, why, b -> b.addFailure(f));
        }
        return strategy(d).begin(this, d.edit().settings(settings).build(), cause, now, reason);
    }

    /** QUEUED → CONFIGURING, on the slots that serve the target now. */
    public Transition dequeue(Deployment d, SlotPlan plan, Instant now) {
        if (d.status() != QUEUED) {
            return Transition.ignored(d);
        }
        Deployment planned = planned(d, plan);
        if (pinned(planned)) {
            return configured(planned, null, now, "target free: " + pinnedReason(planned));
        }
        String reason = "target free: resolving configuration for " + d.version();
        return advance(planned, null, now, StageStatus.SUCCEEDED, CONFIGURING, reason, b -> b);
    }

    // ---- agent events --------------------------------------------------------------------------------------

    /**
     * An agent event. A failure it reports is classified and recorded with what was done about it (the retry path
     * records its own, with the attempt it scheduled).
     */
    public Transition on(Deployment d, Event event, Instant now) {
        Transition t = dispatch(d, event, now);
        return classified(t, d, Classifier.of(event, trafficMoved(d)), now);
    }

    private Transition dispatch(Deployment d, Event event, Instant now) {
        Meta cause = event.meta();
        DeploymentStrategy strategy = strategy(d);
        switch (d.status()) {
            case CONFIGURING -> {
                if (event instanceof ConfigResolved resolved) {
                    Deployment withConfig = d.edit().configHash(resolved.configHash()).config(resolved.config())
                            .provenance(resolved.provenance()).build();
                    return configured(withConfig, cause, now, "configuration resolved (" + resolved.configHash() + ")");
                }
                if (event instanceof ConfigRejected rejected) {
                    return advance(d, cause, now, StageStatus.FAILED, FAILED,
                            "configuration rejected: " + rejected.reason(), b -> b);
                }
            }
            case CLEANING_UP -> {
                Transition t = strategy.on(this, d, event, now);
                if (t != null) {
                    return t;
                }
                CleanupPlan plan = d.cleanup();
                if (event instanceof SlotReleased r && plan.slot().equals(r.slot())) {
                    return endCleanup(d, cause, now, null);
                }
                if (event instanceof ProvisioningFailed f && "release".equals(f.operation())
                        && sameSlot(f.slot(), plan.slot())) {
                    return endCleanup(d, cause, now, f.reason());
                }
            }
            case ROLLING_BACK -> {
                Transition t = strategy.on(this, d, event, now);
                if (t != null) {
                    return t;
                }
                DeploymentStatus endAs = d.rollbackPlan() == null || d.rollbackPlan().endAs() == null ? ROLLED_BACK
                        : d.rollbackPlan().endAs();
                if (event instanceof RollbackCompleted r) {
                    return go(d, cause, now, StageStatus.SUCCEEDED, endAs, null,
                            "rolled back to " + d.stableSlot() + " (" + d.stableVersion() + ") after: " + d.reason(),
                            b -> b.rollback(new RollbackFigures(r.trafficRestoredMs(), r.durationMs()))
                                    .weights(Map.of(d.stableSlot(), 100)));
                }
                if (event instanceof RollbackStepCompleted s) {
                    return new Transition(d, d.edit().weights(s.weights()).updatedAt(now).build(), List.of(), null);
                }
                if (event instanceof RollbackFailed f) {
                    return advance(d, cause, now, StageStatus.FAILED, FAILED,
                            "rollback failed: " + f.reason() + " (after: " + d.reason() + ")", b -> b);
                }
            }
            case PAUSED -> {
                // an analysis that was running when an operator paused: recorded, not acted on
                if (event instanceof AnalysisCompleted a && d.rollout() != null && a.canarySlot().equals(d.slot())
                        && a.step() == d.rollout().step()) {
                    Deployment after = d.edit().addAnalysis(new AnalysisEntry(a.step(), d.rollout().weight(),
                            a.verdict(), a.decision(), now, "recorded while paused; not acted on")).updatedAt(now)
                            .build();
                    return new Transition(d, after, List.of(), null);
                }
            }
            case QUEUED, PENDING, AWAITING_APPROVAL -> {
                // nothing commanded: nothing to hear
            }
            default -> {
                if (!d.terminal()) {
                    Transition t = strategy.on(this, d, event, now);
                    if (t != null) {
                        return t;
                    }
                }
            }
        }
        return Transition.ignored(d);
    }

    // ---- operator actions ----------------------------------------------------------------------------------

    /**
     * An operator action; recorded on the deployment with who and why.
     *
     * @throws ActionNotAllowedException when the current status does not allow it
     */
    public Transition act(Deployment d, OperatorAction.Kind kind, String by, String why, Instant now) {
        if (d.terminal()) {
            throw new ActionNotAllowedException("deployment " + d.id() + " is " + d.status() + ": nothing to "
                    + kind.path());
        }
        Deployment recorded = d.edit().addAction(new OperatorAction(kind.path(), d.status(), by, why, now)).build();
        String suffix = why == null || why.isBlank() ? "" : " (" + (by == null ? "" : by + ": ") + why + ")";
        Transition t = switch (kind) {
            case PROMOTE -> strategy(d).promote(this, recorded, now, "promoted by operator" + suffix);
            case PAUSE -> {
                if (d.status() != PROGRESSING) {
                    throw notAllowed(d, kind, "only a PROGRESSING canary or rolling deployment can be paused");
                }
                String reason = "paused by operator" + suffix;
                yield hold(recorded, null, now, PAUSED, new Hold(Hold.OPERATOR, PROGRESSING, d.stage(), reason, null),
                        reason);
            }
            case RESUME -> {
                if (d.status() != PAUSED || d.hold() == null) {
                    throw notAllowed(d, kind, "only a PAUSED deployment can be resumed");
                }
                yield switch (d.hold().kind()) {
                    case Hold.MANUAL_ROLLBACK -> throw notAllowed(d, kind,
                            "a rollback is needed: POST /deployments/" + d.id() + "/rollback or /promote");
                    case Hold.ANALYSIS -> strategy(d).afterAnalysisHold(this, recorded, now, "resumed by operator"
                            + suffix + " after: " + d.reason());
                    default -> resume(recorded, now, "resumed by operator" + suffix, b -> b);
                };
            }
            case APPROVE -> {
                if (d.status() != AWAITING_APPROVAL || d.hold() == null) {
                    throw notAllowed(d, kind, "only a deployment AWAITING_APPROVAL can be approved");
                }
                yield resume(recorded, now, "approved by operator" + suffix, b -> b.approved(true));
            }
            case ABORT -> {
                if (d.status() == ROLLING_BACK || d.status() == CLEANING_UP) {
                    throw notAllowed(d, kind, "the deployment is already ending (" + d.status() + ")");
                }
                yield rollBack(recorded, null, now, ABORTED + suffix, Trigger.ABORT);
            }
            case ROLLBACK -> {
                if (d.status() == ROLLING_BACK || d.status() == CLEANING_UP || d.status() == QUEUED
                        || d.status() == PENDING || d.status() == CONFIGURING) {
                    throw notAllowed(d, kind, d.status() == ROLLING_BACK || d.status() == CLEANING_UP
                            ? "the deployment is already ending (" + d.status() + ")"
                            : "nothing was deployed yet; use /abort");
                }
                String reason = d.hold() != null && Hold.MANUAL_ROLLBACK.equals(d.hold().kind())
                        ? "rollback by operator" + suffix + "; " + d.hold().reason()
                        : "rollback requested by operator" + suffix;
                yield rollBack(recorded, null, now, reason, Trigger.OPERATOR);
            }
        };
        return new Transition(d, t.after(), t.messages(), t.reason());
    }

    /** A newer deployment replaces this one (onConflict supersede); ignored when it is already ending. */
    public Transition supersede(Deployment d, String by, Instant now) {
        if (d.terminal() || d.status() == ROLLING_BACK || d.status() == CLEANING_UP) {
            return Transition.ignored(d);
        }
        return rollBack(d, null, now, "superseded by deployment " + by, Trigger.SUPERSEDE);
    }

    static ActionNotAllowedException notAllowed(Deployment d, OperatorAction.Kind kind, String why) {
        return new ActionNotAllowedException("cannot " + kind.path() + " deployment " + d.id() + " in status "
                + d.status() + ": " + why);
    }

    // ---- deadlines -----------------------------------------------------------------------------------------

    /** Fails the running stage if its deadline (or its pipeline stage's timeout) has passed. */
    public Transition tick(Deployment d, Instant now) {
        Stage stage = d.currentStage();
        if (d.terminal() || stage == null) {
            return Transition.ignored(d);
        }
        if (Stage.RETRY.equals(stage.name())) {
            return stage.deadline() == null || now.isBefore(stage.deadline()) ? Transition.ignored(d) : retryNow(d, now);
        }
        Transition t = overdue(d, stage, now);
        return classified(t, d, Classifier.timeout(stage.name(), trafficMoved(d)), now);
    }

    private Transition overdue(Deployment d, Stage stage, Instant now) {
        if (stage.pipeline() != null && d.settings() != null && d.status() != PAUSED && d.status() != AWAITING_APPROVAL
                && d.status() != ROLLING_BACK && d.status() != CLEANING_UP) {
            Long limitMs = d.settings().rollout().pipelineTimeoutsMs().get(stage.pipeline());
            if (limitMs != null && Pipeline.spent(d, stage.pipeline(), now).toMillis() >= limitMs) {
                return timedOut(d, now, "stage " + stage.pipeline() + " timed out after "
                        + format(Duration.ofMillis(limitMs)));
            }
        }
        if (stage.deadline() == null || now.isBefore(stage.deadline())) {
            return Transition.ignored(d);
        }
        String reason = Stage.APPROVAL.equals(stage.name())
                ? "approval timed out after " + format(Duration.between(stage.startedAt(), stage.deadline()))
                : "stage " + stage.name() + " timed out after "
                + format(Duration.between(stage.startedAt(), stage.deadline()));
        return timedOut(d, now, reason);
    }

    private Transition timedOut(Deployment d, Instant now, String reason) {
        return switch (d.status()) {
            case CONFIGURING -> advance(d, null, now, StageStatus.FAILED, FAILED, reason, b -> b);
            case CLEANING_UP -> d.rolling() != null ? RollingStrategy.endCleanup(this, d, null, now, reason)
                    : endCleanup(d, null, now, reason);
            case ROLLING_BACK -> d.rolling() != null && Stage.RESTORE.equals(d.stage())
                    ? RollingStrategy.restoreFailed(this, d, null, now, reason)
                    : advance(d, null, now, StageStatus.FAILED, FAILED,
                    reason + " (rolling back after: " + d.reason() + ")", b -> b);
            case AWAITING_APPROVAL -> rollBack(d, null, now, reason, Trigger.FAILURE);
            case PAUSED, QUEUED, PENDING -> Transition.ignored(d);
            default -> strategy(d).timedOut(this, d, now, reason);
        };
    }

    /** The command of the current status again (after a restart; agents are idempotent). */
    public List<Message> reissue(Deployment d, Instant now) {
        Command command = commandFor(d, meta(d, null, now));
        return command == null ? List.of() : List.of(command);
    }

    /** What a deployment in its current status is waiting for an agent to do. */
    static Command commandFor(Deployment d, Meta meta) {
        return switch (d.status()) {
            case CONFIGURING -> new ResolveConfig(meta, d.target(), d.version(), d.overrides());
            case CLEANING_UP -> new ReleaseSlot(meta, d.target(), d.cleanup().slot(),
                    d.cleanup().outcome() == SUCCEEDED ? "cleanup" : d.rolling() != null ? "rollback" : "abort");
            case ROLLING_BACK -> {
                if (d.rolling() != null) {
                    yield strategy(d).commandFor(d, meta);
                }
                RollbackPlan p = d.rollbackPlan();
                yield p == null ? new StartRollback(meta, d.target(), d.stableSlot(), d.slot(), ROLLBACK_STRATEGY,
                        d.reason())
                        : new StartRollback(meta, d.target(), d.stableSlot(), d.slot(), p.strategy(), p.reason(),
                        p.steps(), p.stepIntervalMs(), p.stableHealthUrl());
            }
            case QUEUED, PENDING, PAUSED, AWAITING_APPROVAL, SUCCEEDED, FAILED, ROLLED_BACK, SUPERSEDED -> null;
            default -> strategy(d).commandFor(d, meta);
        };
    }

    static DeploymentStrategy strategy(Deployment d) {
        return Strategies.of(d.strategy());
    }

    // ---- shared moves (used by the strategies) -------------------------------------------------------------

    /**
     * Rolls back whatever the deployment changed. Before traffic moved: release the new slot. After: StartRollback
     * to the stable slot by the strategy the trigger calls for; on a first deployment just release the new slot.
     */
    Transition rollBack(Deployment d, Meta cause, Instant now, String why, Trigger trigger) {
        DeploymentStatus endAs = trigger == Trigger.SUPERSEDE ? SUPERSEDED
                : trigger == Trigger.FAILURE ? FAILED : ROLLED_BACK;
        StageStatus outcome = trigger == Trigger.FAILURE ? StageStatus.FAILED : StageStatus.INTERRUPTED;
        if (d.rolling() != null || (Strategies.ROLLING.equals(d.strategy()) && d.status() == PROGRESSING)) {
            return RollingStrategy.rollBack(this, d, cause, now, why, trigger == Trigger.FAILURE ? ROLLED_BACK : endAs,
                    outcome);
        }
        switch (d.status()) {
            case QUEUED, PENDING, CONFIGURING -> {
                return go(d, cause, now, outcome, endAs, null, why, b -> b);
            }
            case PROVISIONING, VERIFYING -> {
                return releaseNewSlot(d, cause, now, why, endAs, outcome);
            }
            default -> {
                if (d.stableSlot() == null) {
                    return releaseNewSlot(d, cause, now, why, endAs, outcome);
                }
            }
        }
        RolloutSettings settings = d.settings() == null ? RolloutSettings.DEFAULTS : d.settings().rollout();
        String strategy = switch (trigger) {
            case ABORT, SUPERSEDE -> RolloutSettings.IMMEDIATE;
            case OPERATOR -> RolloutSettings.MANUAL.equals(settings.rollbackStrategy()) ? RolloutSettings.IMMEDIATE
                    : settings.rollbackStrategy();
            case FAILURE -> settings.rollbackStrategy();
        };
        if (RolloutSettings.MANUAL.equals(strategy)) {
            String reason = "rollback needed: " + why + "; waiting for an operator (POST /deployments/" + d.id()
                    + "/rollback or /promote)";
            return hold(d, cause, now, PAUSED, new Hold(Hold.MANUAL_ROLLBACK, null, null, reason, null), reason,
                    StageStatus.FAILED);
        }
        RollbackPlan plan;
        if (RolloutSettings.GRADUAL.equals(strategy)) {
            int current = d.weights().getOrDefault(d.slot(), d.rollout() != null ? d.rollout().weight() : 100);
            List<Integer> steps = new ArrayList<>(d.rollout() != null ? d.rollout().passedBelow(current)
                    : new Rollout(settings.canarySteps(), settings.canarySteps().size() - 1).passedBelow(current));
            steps.add(0);
            plan = new RollbackPlan(strategy, List.copyOf(steps), settings.rollbackStepIntervalMs(), d.stableUrl(),
                    why, trigger == Trigger.SUPERSEDE ? SUPERSEDED : ROLLED_BACK);
        } else {
            plan = new RollbackPlan(strategy, null, null, null, why,
                    trigger == Trigger.SUPERSEDE ? SUPERSEDED : ROLLED_BACK);
        }
        return go(d, cause, now, outcome, ROLLING_BACK, Stage.ROLLBACK, why, b -> b.rollbackPlan(plan));
    }

    /** Stop the new slot, then end as {@code outcome}. */
    Transition releaseNewSlot(Deployment d, Meta cause, Instant now, String reason, DeploymentStatus endAs,
                              StageStatus stageOutcome) {
        return go(d, cause, now, stageOutcome, CLEANING_UP, Stage.CLEANUP, reason,
                b -> b.cleanup(new CleanupPlan(d.slot(), endAs, reason)));
    }

    Transition releaseNewSlot(Deployment d, Meta cause, Instant now, String reason) {
        return releaseNewSlot(d, cause, now, reason, FAILED, StageStatus.FAILED);
    }

    /** Into PAUSED or AWAITING_APPROVAL; the running stage is interrupted. */
    Transition hold(Deployment d, Meta cause, Instant now, DeploymentStatus status, Hold hold, String reason) {
        return hold(d, cause, now, status, hold, reason, StageStatus.INTERRUPTED);
    }

    Transition hold(Deployment d, Meta cause, Instant now, DeploymentStatus status, Hold hold, String reason,
                    StageStatus stageOutcome) {
        String stage = status == AWAITING_APPROVAL ? Stage.APPROVAL : Stage.PAUSE;
        return go(d, cause, now, stageOutcome, status, stage, reason, b -> b.hold(hold));
    }

    /** Out of a hold, back to where it was (its command is issued again). */
    Transition resume(Deployment d, Instant now, String reason, UnaryOperator<Deployment.Builder> changes) {
        Hold h = d.hold();
        return go(d, null, now, StageStatus.SUCCEEDED, h.resumeStatus(), h.resumeStage(), reason,
                b -> changes.apply(b.cleanup(h.cleanup())));
    }

    /**
     * Ends CLEANING_UP with the planned outcome. A slot that could not be released does not change the
     * outcome (the new version already serves, or the deployment already failed); it is added to the reason.
     */
    private Transition endCleanup(Deployment d, Meta cause, Instant now, String problem) {
        CleanupPlan plan = d.cleanup();
        String reason = problem == null ? plan.reason()
                : plan.reason() + "; slot " + plan.slot() + " not released: " + problem;
        return advance(d, cause, now, problem == null ? StageStatus.SUCCEEDED : StageStatus.FAILED, plan.outcome(),
                reason, b -> b);
    }

    /** Into {@code next}, in the stage {@link #stageOf} gives it. */
    Transition advance(Deployment d, Meta cause, Instant now, StageStatus stageOutcome, DeploymentStatus next,
                       String reason, UnaryOperator<Deployment.Builder> changes) {
        return go(d, cause, now, stageOutcome, next, stageOf(next), reason, changes);
    }

    /**
     * Ends the running stage with {@code stageOutcome}, enters {@code next} in {@code stage} (null: no new stage),
     * announces it with DeploymentStatusChanged and issues the command of the new status and stage.
     */
    Transition go(Deployment d, Meta cause, Instant now, StageStatus stageOutcome, DeploymentStatus next,
                  String stage, String reason, UnaryOperator<Deployment.Builder> changes) {
        return go(d, cause, now, stageOutcome, next, stage, reason, null, changes);
    }

    /** As above; {@code deadline} (when not null) replaces the stage's configured timeout. */
    Transition go(Deployment d, Meta cause, Instant now, StageStatus stageOutcome, DeploymentStatus next,
                  String stage, String reason, Instant deadline, UnaryOperator<Deployment.Builder> changes) {
        Deployment.Builder b = d.edit().endStage(stageOutcome, reason, now);
        if (next != CLEANING_UP) {
            b.cleanup(null);
        }
        if (next != PAUSED && next != AWAITING_APPROVAL) {
            b.hold(null);
        }
        b = changes.apply(b).status(next).reason(reason).updatedAt(now);
        if (stage != null) {
            Deployment sofar = b.build();
            Duration timeout = deadline != null ? null : timeouts.of(stage, sofar.settings());
            b.startStage(stage, now, deadline != null ? deadline : timeout == null ? null : now.plus(timeout),
                    Pipeline.of(sofar, stage));
        }
        Deployment after = b.build();
        List<Message> out = new ArrayList<>();
        out.add(new DeploymentStatusChanged(meta(after, cause, now), after.target(), after.version(), next,
                after.stage() == null ? "accept" : after.stage(), reason, causingFailure(d, after)));
        Command command = commandFor(after, meta(after, cause, now));
        if (command != null) {
            out.add(command);
        }
        return new Transition(d, after, out, reason);
    }

    // ---- failures and recovery ------------------------------------------------------------------------------

    /**
     * A failure before traffic moved (provision, verify). Recoverable and attempts left: release what the attempt
     * left and provision again after the policy's delay (PROVISIONING, stage retry, its deadline the retry time).
     * Otherwise release the new slot, then FAILED.
     */
    Transition failedBeforeSwitch(Deployment d, Meta cause, Instant now, String why, Classification c) {
        RecoveryPolicy policy = d.settings() == null ? RecoveryPolicy.DEFAULTS : d.settings().recovery();
        int attempt = d.attempt();
        int max = policy.maxAttempts();
        if (c.recoverable() && attempt < max) {
            Duration delay = Duration.ofMillis(policy.delayMs(c.type(), d.stage()));
            int next = attempt + 1;
            String action = "retry " + next + "/" + max + " in " + format(delay);
            FailureRecord f = FailureRecord.of(c, action, FailureRecord.RETRY, attempt, d.stage(), why, now);
            return go(d, cause, now, StageStatus.FAILED, PROVISIONING, Stage.RETRY, action + " after: " + why,
                    now.plus(delay), b -> b.attempt(next).addFailure(f));
        }
        String action;
        String reason = why;
        if (c.type() == FailureType.CONFIGURATION_ERROR) {
            action = "stopped: fix the configuration; releasing " + d.slot();
        } else if (c.recoverable()) {
            action = "releasing " + d.slot() + "; no attempts left (" + attempt + "/" + max + ")";
            reason = max > 1 ? why + " (attempt " + attempt + "/" + max + ", no attempts left)" : why;
        } else {
            action = "releasing " + d.slot() + "; not retried";
        }
        FailureRecord f = FailureRecord.of(c, action, c.type() == FailureType.CONFIGURATION_ERROR ? FailureRecord.STOP
                : FailureRecord.RELEASE, attempt, d.stage(), reason, now);
        String ended = reason;
        return go(d, cause, now, StageStatus.FAILED, CLEANING_UP, Stage.CLEANUP, ended,
                b -> b.cleanup(new CleanupPlan(d.slot(), FAILED, ended)).addFailure(f));
    }

    /** The retry time came: provision the same slot and version again (the strategy's PROVISIONING command). */
    private Transition retryNow(Deployment d, Instant now) {
        int max = d.settings() == null ? RecoveryPolicy.DEFAULTS.maxAttempts() : d.settings().recovery().maxAttempts();
        return go(d, null, now, StageStatus.SUCCEEDED, PROVISIONING, Stage.PROVISION,
                "attempt " + d.attempt() + "/" + max + ": provisioning " + d.slot() + " with " + d.version()
                        + " again", b -> b);
    }

    /** Traffic may be on the new version: from the switch on (or any confirmed weights). */
    static boolean trafficMoved(Deployment d) {
        return switch (d.status()) {
            case QUEUED, PENDING, CONFIGURING, PROVISIONING, VERIFYING -> false;
            case CLEANING_UP -> !d.weights().isEmpty();
            default -> true;
        };
    }

    /**
     * Records {@code c} on a transition the failure caused (rollback, release, pause for a manual rollback, stop, or
     * the end of a cleanup), unless the transition recorded one itself; the status event carries it.
     */
    private Transition classified(Transition t, Deployment before, Classification c, Instant now) {
        if (c == null || !t.changed() || t.after().failures().size() > before.failures().size()) {
            return t;
        }
        Deployment a = t.after();
        String action;
        String kind;
        switch (a.status()) {
            case ROLLING_BACK -> {
                action = "rollback (" + (a.rollbackPlan() == null ? ROLLBACK_STRATEGY : a.rollbackPlan().strategy())
                        + ")";
                kind = FailureRecord.ROLLBACK;
            }
            case CLEANING_UP -> {
                if (a.cleanup() == null || a.cleanup().outcome() == SUCCEEDED) {
                    return t;
                }
                action = "releasing " + a.cleanup().slot() + (trafficMoved(before)
                        ? " (first deployment: no stable version to roll back to)" : "") + "; not retried";
                kind = FailureRecord.RELEASE;
            }
            case PAUSED -> {
                if (a.hold() == null || !Hold.MANUAL_ROLLBACK.equals(a.hold().kind())) {
                    return t;
                }
                action = "paused: waiting for an operator to roll back";
                kind = FailureRecord.PAUSE;
            }
            case FAILED -> {
                action = switch (c.type()) {
                    case CONFIGURATION_ERROR -> "stopped: fix the configuration";
                    case ROLLBACK_FAILURE -> "stopped: manual intervention needed";
                    default -> "stopped";
                };
                kind = FailureRecord.STOP;
            }
            default -> {
                if (before.status() != CLEANING_UP || !a.terminal()) {
                    return t;
                }
                action = "none: the deployment still ends " + a.status();
                kind = FailureRecord.NONE;
            }
        }
        FailureRecord f = FailureRecord.of(c, action, kind, before.attempt(), before.stage(), t.reason(), now);
        Deployment after = a.edit().addFailure(f).build();
        List<Message> out = t.messages().stream().map(m -> m instanceof DeploymentStatusChanged s
                ? (Message) new DeploymentStatusChanged(s.meta(), s.target(), s.version(), s.status(), s.stage(),
                s.reason(), f.toEvent()) : m).toList();
        return new Transition(t.before(), after, out, t.reason());
    }

    /**
     * The failure a status change is caused by: one recorded by this transition, or, when a deployment ends FAILED or
     * ROLLED_BACK after the cleanup or rollback a failure started, that failure.
     */
    private static DeploymentEvent.Failure causingFailure(Deployment before, Deployment after) {
        FailureRecord last = after.lastFailure();
        if (last == null) {
            return null;
        }
        if (after.failures().size() > before.failures().size()) {
            return last.toEvent();
        }
        boolean endsAfterFailure = (after.status() == FAILED || after.status() == ROLLED_BACK)
                && (before.status() == CLEANING_UP || before.status() == ROLLING_BACK)
                && !FailureRecord.RETRY.equals(last.action()) && !FailureRecord.NONE.equals(last.action());
        return endsAfterFailure ? last.toEvent() : null;
    }

    static String stageOf(DeploymentStatus status) {
        return switch (status) {
            case CONFIGURING -> Stage.CONFIG;
            case PROVISIONING -> Stage.PROVISION;
            case VERIFYING -> Stage.VERIFY;
            case SWITCHING -> Stage.SWITCH;
            case MONITORING -> Stage.MONITOR;
            case CLEANING_UP -> Stage.CLEANUP;
            case ROLLING_BACK -> Stage.ROLLBACK;
            case PAUSED -> Stage.PAUSE;
            case AWAITING_APPROVAL -> Stage.APPROVAL;
            default -> null;
        };
    }

    static Meta meta(Deployment d, Meta cause, Instant now) {
        return new Meta(UUID.randomUUID().toString(), d.id(), d.correlationId(),
                cause == null ? null : cause.messageId(), now);
    }

    static boolean sameSlot(String reported, String expected) {
        return reported == null || reported.equals(expected);
    }

    /** "30s", or "1.5s" for durations that are not whole seconds (short test timeouts). */
    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : (ms / 1000.0) + "s";
    }
}
