package dev.cutover.orchestrator.engine;

import dev.cutover.events.Command;
import dev.cutover.events.ConfigEvent.ConfigRejected;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.DeploymentEvent.DeploymentAccepted;
import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Event;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.RollbackEvent.RollbackStepCompleted;
import dev.cutover.orchestrator.engine.actions.OperatorActions;
import dev.cutover.orchestrator.engine.recovery.Classification;
import dev.cutover.orchestrator.engine.recovery.Classifier;
import dev.cutover.orchestrator.engine.recovery.Recovery;
import dev.cutover.orchestrator.model.AnalysisEntry;
import dev.cutover.orchestrator.model.CleanupPlan;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.FailureAction;
import dev.cutover.orchestrator.model.FailureRecord;
import dev.cutover.orchestrator.model.Hold;
import dev.cutover.orchestrator.model.OperatorAction;
import dev.cutover.orchestrator.model.PinnedConfig;
import dev.cutover.orchestrator.model.Pipeline;
import dev.cutover.orchestrator.model.ProvisionerOperation;
import dev.cutover.orchestrator.model.RollbackFigures;
import dev.cutover.orchestrator.model.SlotPlan;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.StageStatus;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.model.Violation;
import dev.cutover.orchestrator.settings.RunSettings;
import dev.cutover.orchestrator.settings.StageTimeouts;
import dev.cutover.orchestrator.strategy.DeploymentStrategy;
import dev.cutover.orchestrator.strategy.Moves;
import dev.cutover.orchestrator.strategy.RollbackTrigger;
import dev.cutover.orchestrator.strategy.StrategyCatalog;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static dev.cutover.events.DeploymentStatus.AWAITING_APPROVAL;
import static dev.cutover.events.DeploymentStatus.CLEANING_UP;
import static dev.cutover.events.DeploymentStatus.CONFIGURING;
import static dev.cutover.events.DeploymentStatus.FAILED;
import static dev.cutover.events.DeploymentStatus.PAUSED;
import static dev.cutover.events.DeploymentStatus.PENDING;
import static dev.cutover.events.DeploymentStatus.QUEUED;
import static dev.cutover.events.DeploymentStatus.ROLLED_BACK;
import static dev.cutover.events.DeploymentStatus.ROLLING_BACK;

/**
 * Deployments as a pure function: (deployment, input) → (next deployment, messages to publish). No Quarkus, no
 * Kafka, no clock: callers pass {@code now}. This class is dispatch only: it routes each input to the strategy
 * ({@link DeploymentStrategy}, found through a {@link StrategyCatalog}; the engine never names an implementation),
 * to the operator actions ({@link OperatorActions}), to recovery ({@link Recovery}), or to the moves every
 * strategy shares (config, cleanup, the end of a rollback, deadlines). It is the {@link Moves} a strategy is given.
 * <p>
 * Inputs not expected in the current status are ignored: that makes redelivered events, duplicate agent replies
 * and the provisioner traffic caused by the rollback-service harmless.
 * <p>
 * Failure rules: before traffic moved (provision, verify) the new slot is released, then FAILED; config
 * failures are FAILED at once (nothing provisioned). Once traffic may be on the new version, a failure rolls
 * back as the strategy plans it; rollback never re-runs analysis.
 */
public final class DeploymentStateMachine implements Moves {

    private final Transitions t;
    private final StableRollback stable;
    private final Recovery recovery;
    private final OperatorActions actions;
    private final InfrastructureStage infrastructure;

    /** How often a stage's command is sent again while its reply is overdue, unless configured. */
    public static final int DEFAULT_RESEND_ATTEMPTS = 2;

    private final int resendAttempts;

    public DeploymentStateMachine(StageTimeouts timeouts, StrategyCatalog strategies) {
        this(timeouts, strategies, DEFAULT_RESEND_ATTEMPTS);
    }

    /**
     * {@code resendAttempts}: how often the command a stage waits for is sent again (same messageId) while its reply
     * is missing, spread evenly over the stage's time before its deadline; 0 never.
     */
    public DeploymentStateMachine(StageTimeouts timeouts, StrategyCatalog strategies, int resendAttempts) {
        if (resendAttempts < 0) {
            throw new IllegalArgumentException("resend attempts must be 0 or more, not " + resendAttempts);
        }
        this.resendAttempts = resendAttempts;
        this.t = new Transitions(timeouts, strategies);
        this.stable = new StableRollback(t);
        this.recovery = new Recovery(t);
        this.actions = new OperatorActions(t, this);
        this.infrastructure = new InfrastructureStage(t, recovery);
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
        Deployment d = planned(pin(newDeployment(id, correlationId, request, now), pinned).status(PENDING)
                .reason("accepted").build(), plan);
        DeploymentAccepted accepted = new DeploymentAccepted(Transitions.meta(d, cause, now), d.target(), d.version(),
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
                new DeploymentAccepted(Transitions.meta(d, cause, now), d.target(), d.version(), d.strategy()),
                new DeploymentStatusChanged(Transitions.meta(d, cause, now), d.target(), d.version(), QUEUED, "queue",
                        reason));
        return new Transition(null, d, out, reason);
    }

    private static Deployment.Builder newDeployment(String id, String correlationId, DeploymentRequest request,
                                                    Instant now) {
        return new Deployment.Builder().id(id).target(request.target()).version(request.version())
                .artifact(request.artifact()).sha256(request.sha256()).strategy(request.strategy())
                .overrides(request.overrides())
                .onConflict(request.onConflict()).correlationId(correlationId).createdAt(now).updatedAt(now);
    }

    private static Deployment.Builder pin(Deployment.Builder b, PinnedConfig pinned) {
        return pinned == null ? b : b.configHash(pinned.configHash()).config(pinned.config())
                .provenance(pinned.provenance()).configPinnedFrom(pinned.fromDeploymentId());
    }

    private Deployment planned(Deployment d, SlotPlan plan) {
        return plan == null ? d : t.strategy(d).planned(d, plan);
    }

    /** PENDING → CONFIGURING. */
    public Transition start(Deployment d, Instant now) {
        if (d.status() != PENDING) {
            return Transition.ignored(d);
        }
        if (pinned(d)) {
            return configured(d, null, now, pinnedReason(d));
        }
        return advance(d, null, now, StageStatus.SUCCEEDED, CONFIGURING, "resolving configuration for " + d.version(),
                b -> b);
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

    private static boolean pinned(Deployment d) {
        return d.configPinnedFrom() != null && d.config() != null;
    }

    private static String pinnedReason(Deployment d) {
        return "configuration pinned to " + d.configHash() + " from deployment " + d.configPinnedFrom();
    }

    /**
     * The configuration is known ({@code d.config()}): plan the target's infrastructure with it (then the strategy's
     * first step, {@link InfrastructureStage}), or FAILED when the orchestrator cannot run with it, the strategy
     * cannot run on the target's kind, or the artifact breaks the environment's artifact policy (a source not
     * allowed, a digest required but missing): a configuration error naming the request's field ({@code artifact},
     * {@code sha256}), before anything is planned, provisioned or started, and never retried.
     */
    private Transition configured(Deployment d, Meta cause, Instant now, String reason) {
        RunSettings settings;
        Violation artifact;
        try {
            settings = RunSettings.from(d.config()).forTarget(d.target());
            artifact = RunSettings.artifactPolicy(d.config()).check(d.artifact(), d.sha256(),
                    d.target().environment());
        } catch (IllegalArgumentException e) {
            return configurationError(d, cause, now, "invalid configuration: " + e.getMessage());
        }
        if (artifact != null) {
            return configurationError(d, cause, now, "artifact policy: " + artifact.field() + " "
                    + artifact.message());
        }
        return infrastructure.plan(d.edit().settings(settings).build(), cause, now, reason);
    }

    private Transition configurationError(Deployment d, Meta cause, Instant now, String why) {
        FailureRecord f = Recovery.record(Classifier.configuration(), "stopped: fix the configuration",
                FailureAction.STOP, d.attempt(), Stage.CONFIG, why, now);
        return advance(d, cause, now, StageStatus.FAILED, FAILED, why, b -> b.addFailure(f));
    }

    // ---- agent events --------------------------------------------------------------------------------------

    /**
     * An agent event. A failure it reports is classified and recorded with what was done about it (the retry path
     * records its own, with the attempt it scheduled).
     */
    public Transition on(Deployment d, Event event, Instant now) {
        Transition tr = dispatch(d, event, now);
        return recovery.classified(tr, d, Classifier.of(event, Recovery.trafficMoved(d)), now);
    }

    private Transition dispatch(Deployment d, Event event, Instant now) {
        if (d.terminal()) {
            return Transition.ignored(d);
        }
        Meta cause = event.meta();
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
                return Transition.ignored(d);
            }
            case PAUSED -> {
                return recordedWhilePaused(d, event, now);
            }
            case QUEUED, PENDING, AWAITING_APPROVAL -> {
                // nothing commanded: nothing to hear
                return Transition.ignored(d);
            }
            default -> {
            }
        }
        if (InfrastructureStage.running(d)) {
            return infrastructure.on(this, d, event, now);
        }
        Transition own = t.strategy(d).on(this, d, event, now);
        if (own != null) {
            return own;
        }
        if (d.status() == CLEANING_UP) {
            return cleanupReply(d, event, now);
        }
        if (d.status() == ROLLING_BACK) {
            return rollbackReply(d, event, now);
        }
        return Transition.ignored(d);
    }

    /** An analysis that was running when an operator paused: recorded, not acted on. */
    private static Transition recordedWhilePaused(Deployment d, Event event, Instant now) {
        if (event instanceof AnalysisCompleted a && d.rollout() != null && a.canarySlot().equals(d.slot())
                && a.step() == d.rollout().step()) {
            Deployment after = d.edit().addAnalysis(new AnalysisEntry(a.step(), d.rollout().weight(),
                    a.verdict(), a.decision(), now, "recorded while paused; not acted on")).updatedAt(now)
                    .build();
            return new Transition(d, after, List.of(), null);
        }
        return Transition.ignored(d);
    }

    private Transition cleanupReply(Deployment d, Event event, Instant now) {
        CleanupPlan plan = d.cleanup();
        if (event instanceof SlotReleased r && plan.slot().equals(r.slot())) {
            return stable.endCleanup(d, event.meta(), now, null);
        }
        if (event instanceof ProvisioningFailed f && ProvisionerOperation.RELEASE.is(f.operation())
                && DeploymentStrategy.sameSlot(f.slot(), plan.slot())) {
            return stable.endCleanup(d, event.meta(), now, f.reason());
        }
        return Transition.ignored(d);
    }

    private Transition rollbackReply(Deployment d, Event event, Instant now) {
        Meta cause = event.meta();
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
        return Transition.ignored(d);
    }

    // ---- operator actions ----------------------------------------------------------------------------------

    /**
     * An operator action; recorded on the deployment with who and why.
     *
     * @throws dev.cutover.orchestrator.model.ActionNotAllowedException when the current status does not allow it
     */
    public Transition act(Deployment d, OperatorAction.Kind kind, String by, String why, Instant now) {
        return actions.act(d, kind, by, why, now);
    }

    /** A newer deployment replaces this one (onConflict supersede); ignored when it is already ending. */
    public Transition supersede(Deployment d, String by, Instant now) {
        return actions.supersede(d, by, now);
    }

    // ---- deadlines -----------------------------------------------------------------------------------------

    /**
     * Fails the running stage if its deadline (or its pipeline stage's timeout) has passed; before that, sends the
     * command it waits for again when a re-send is due ({@link #resend}).
     */
    public Transition tick(Deployment d, Instant now) {
        Stage stage = d.currentStage();
        if (d.terminal() || stage == null) {
            return Transition.ignored(d);
        }
        if (Stage.RETRY.equals(stage.name())) {
            return stage.deadline() == null || now.isBefore(stage.deadline()) ? Transition.ignored(d)
                    : recovery.retryNow(d, now);
        }
        if (Stage.REPLAN.equals(stage.name())) {
            return stage.deadline() == null || now.isBefore(stage.deadline()) ? Transition.ignored(d)
                    : infrastructure.replanNow(d, now);
        }
        Transition tr = overdue(d, stage, now);
        if (!tr.changed()) {
            return resend(d, stage, now);
        }
        return recovery.classified(tr, d, Classifier.timeout(stage.name(), Recovery.trafficMoved(d)), now);
    }

    /**
     * Asks again instead of giving up: while the running stage's reply is missing, its command goes out once more,
     * the same message (same messageId, same content; agents dedupe by it), at most {@code resendAttempts} times,
     * the k-th at k/(attempts+1) of the stage's window (start → deadline). The count is recorded on the stage, so it
     * stays bounded across restarts. Nothing for stages without a deadline, holds (approval, pause: they wait for
     * an operator, not an agent) and waits (retry, replan, handled before this).
     */
    private Transition resend(Deployment d, Stage stage, Instant now) {
        if (resendAttempts == 0 || stage.deadline() == null || stage.resends() >= resendAttempts
                || d.status() == PAUSED || d.status() == AWAITING_APPROVAL || !now.isBefore(stage.deadline())) {
            return Transition.ignored(d);
        }
        Duration window = Duration.between(stage.startedAt(), stage.deadline());
        Instant due = stage.startedAt().plus(window.multipliedBy(stage.resends() + 1L)
                .dividedBy(resendAttempts + 1L));
        if (now.isBefore(due)) {
            return Transition.ignored(d);
        }
        Command command = t.issuedCommand(d, now);
        if (command == null) {
            return Transition.ignored(d);
        }
        Deployment after = d.edit().changeStage(Stage::resent).build();
        String reason = "no reply to " + command.getClass().getSimpleName() + " " + command.meta().messageId()
                + " in stage " + stage.name() + " after " + Transitions.format(Duration.between(stage.startedAt(),
                now).truncatedTo(ChronoUnit.MILLIS)) + ": sent again ("
                + after.currentStage().resends() + "/" + resendAttempts + ")";
        return new Transition(d, after, List.of(command), reason);
    }

    private Transition overdue(Deployment d, Stage stage, Instant now) {
        if (stage.pipeline() != null && d.settings() != null && d.status() != PAUSED && d.status() != AWAITING_APPROVAL
                && d.status() != ROLLING_BACK && d.status() != CLEANING_UP) {
            Long limitMs = d.settings().rollout().pipelineTimeoutsMs().get(stage.pipeline().wire());
            if (limitMs != null && Pipeline.spent(d, stage.pipeline(), now).toMillis() >= limitMs) {
                return timedOut(d, now, "stage " + stage.pipeline().wire() + " timed out after "
                        + Transitions.format(Duration.ofMillis(limitMs)));
            }
        }
        if (stage.deadline() == null || now.isBefore(stage.deadline())) {
            return Transition.ignored(d);
        }
        String took = Transitions.format(Duration.between(stage.startedAt(), stage.deadline()));
        String reason = Stage.APPROVAL.equals(stage.name()) ? "approval timed out after " + took
                : "stage " + stage.name() + " timed out after " + took;
        return timedOut(d, now, reason);
    }

    private Transition timedOut(Deployment d, Instant now, String reason) {
        switch (d.status()) {
            case CONFIGURING -> {
                return advance(d, null, now, StageStatus.FAILED, FAILED, reason, b -> b);
            }
            case AWAITING_APPROVAL -> {
                return rollBack(d, null, now, reason, RollbackTrigger.FAILURE);
            }
            case PAUSED, QUEUED, PENDING -> {
                return Transition.ignored(d);
            }
            default -> {
            }
        }
        if (InfrastructureStage.running(d)) {
            return infrastructure.timedOut(d, now, reason);
        }
        Transition own = t.strategy(d).timedOut(this, d, now, reason);
        if (own != null) {
            return own;
        }
        return switch (d.status()) {
            case CLEANING_UP -> stable.endCleanup(d, null, now, reason);
            case ROLLING_BACK -> advance(d, null, now, StageStatus.FAILED, FAILED,
                    reason + " (rolling back after: " + d.reason() + ")", b -> b);
            default -> Transition.ignored(d);
        };
    }

    /**
     * The command of the current stage again, as it was issued (its recorded messageId: after a restart or a
     * take-over agents recognise it and do not act twice).
     */
    public List<Message> reissue(Deployment d, Instant now) {
        var command = t.issuedCommand(d, now);
        return command == null ? List.of() : List.of(command);
    }

    // ---- the moves a strategy is given ---------------------------------------------------------------------

    @Override
    public Transition go(Deployment d, Meta cause, Instant now, StageStatus stageOutcome, DeploymentStatus next,
                         String stage, String reason, UnaryOperator<Deployment.Builder> changes) {
        return t.go(d, cause, now, stageOutcome, next, stage, reason, null, changes);
    }

    @Override
    public Transition advance(Deployment d, Meta cause, Instant now, StageStatus stageOutcome, DeploymentStatus next,
                              String reason, UnaryOperator<Deployment.Builder> changes) {
        return t.advance(d, cause, now, stageOutcome, next, reason, changes);
    }

    @Override
    public Transition hold(Deployment d, Meta cause, Instant now, DeploymentStatus status, Hold hold, String reason,
                           StageStatus stageOutcome) {
        return t.hold(d, cause, now, status, hold, reason, stageOutcome);
    }

    @Override
    public Transition rollBack(Deployment d, Meta cause, Instant now, String why, RollbackTrigger trigger) {
        if (InfrastructureStage.beforeProvisioning(d)) {
            return infrastructure.end(d, cause, now, why, trigger);
        }
        return t.strategy(d).rollBack(this, d, cause, now, why, trigger);
    }

    @Override
    public Transition rollBackToStable(Deployment d, Meta cause, Instant now, String why, RollbackTrigger trigger) {
        return stable.rollBack(d, cause, now, why, trigger);
    }

    @Override
    public Transition failedBeforeSwitch(Deployment d, Meta cause, Instant now, String why, Classification c) {
        return recovery.failedBeforeSwitch(d, cause, now, why, c);
    }
}
