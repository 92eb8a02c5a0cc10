package dev.cutover.orchestrator.engine;

import dev.cutover.events.Command;
import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.DeploymentEvent;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.FailureAction;
import dev.cutover.orchestrator.model.FailureRecord;
import dev.cutover.orchestrator.model.Hold;
import dev.cutover.orchestrator.model.HoldKind;
import dev.cutover.orchestrator.model.Pipeline;
import dev.cutover.orchestrator.model.RollbackPlan;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.StageStatus;
import dev.cutover.orchestrator.model.TrafficPurpose;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.settings.RolloutSettings;
import dev.cutover.orchestrator.settings.StageTimeouts;
import dev.cutover.orchestrator.strategy.DeploymentStrategy;
import dev.cutover.orchestrator.strategy.StrategyCatalog;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static dev.cutover.events.DeploymentStatus.AWAITING_APPROVAL;
import static dev.cutover.events.DeploymentStatus.CLEANING_UP;
import static dev.cutover.events.DeploymentStatus.FAILED;
import static dev.cutover.events.DeploymentStatus.PAUSED;
import static dev.cutover.events.DeploymentStatus.ROLLED_BACK;
import static dev.cutover.events.DeploymentStatus.ROLLING_BACK;

/**
 * The transition engine: ends the running stage, enters the next status and fine stage (with its absolute
 * deadline and pipeline stage), announces it and issues the command of the new status — derived from the
 * deployment alone ({@link #commandFor}), so entering a status and re-issuing it after a restart send the same
 * command.
 */
public final class Transitions {

    private final StageTimeouts timeouts;
    private final StrategyCatalog strategies;

    public Transitions(StageTimeouts timeouts, StrategyCatalog strategies) {
        this.timeouts = timeouts;
        this.strategies = strategies;
    }

    public DeploymentStrategy strategy(Deployment d) {
        return strategies.of(d.strategy());
    }

    /** Into {@code next}, in the stage {@link #stageOf} gives it. */
    public Transition advance(Deployment d, Meta cause, Instant now, StageStatus stageOutcome, DeploymentStatus next,
                              String reason, UnaryOperator<Deployment.Builder> changes) {
        return go(d, cause, now, stageOutcome, next, stageOf(next), reason, null, changes);
    }

    /** Into PAUSED or AWAITING_APPROVAL; the running stage ends with {@code stageOutcome}. */
    public Transition hold(Deployment d, Meta cause, Instant now, DeploymentStatus status, Hold hold, String reason,
                           StageStatus stageOutcome) {
        String stage = status == AWAITING_APPROVAL ? Stage.APPROVAL : Stage.PAUSE;
        return go(d, cause, now, stageOutcome, status, stage, reason, null, b -> b.hold(hold));
    }

    /** Out of a hold, back to where it was (its command is issued again). */
    public Transition resume(Deployment d, Instant now, String reason, UnaryOperator<Deployment.Builder> changes) {
        Hold h = d.hold();
        return go(d, null, now, StageStatus.SUCCEEDED, h.resumeStatus(), h.resumeStage(), reason, null,
                b -> changes.apply(b.cleanup(h.cleanup())));
    }

    /**
     * Ends the running stage with {@code stageOutcome}, enters {@code next} in {@code stage} (null: no new stage),
     * announces it with DeploymentStatusChanged and issues the command of the new status and stage.
     * {@code deadline} (when not null) replaces the stage's configured timeout.
     */
    public Transition go(Deployment d, Meta cause, Instant now, StageStatus stageOutcome, DeploymentStatus next,
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
            // the approval of an infrastructure plan belongs to provision, whatever the strategy gates later
            Pipeline pipeline = Stage.APPROVAL.equals(stage) && sofar.hold() != null
                    && sofar.hold().is(HoldKind.PROVISION_APPROVAL) ? Pipeline.PROVISION
                    : strategy(sofar).pipelineStage(sofar, stage);
            b.startStage(stage, now, deadline != null ? deadline : timeout == null ? null : now.plus(timeout),
                    pipeline);
        }
        Deployment after = b.build();
        // the command the new stage waits for carries an id recorded on the stage: re-sent (tick) and re-issued
        // (resume) with that same id, so agents recognise it as the one they have seen
        String commandId = UUID.randomUUID().toString();
        String causeId = cause == null ? null : cause.messageId();
        Command command = commandFor(after, new Meta(commandId, after.id(), after.correlationId(), causeId, now));
        if (command != null && stage != null) {
            after = after.edit().changeStage(s -> s.commanded(commandId, causeId)).build();
        }
        List<Message> out = new ArrayList<>();
        out.add(new DeploymentStatusChanged(meta(after, cause, now), after.target(), after.version(), next,
                after.stage() == null ? "accept" : after.stage(), reason, causingFailure(d, after)));
        if (command != null) {
            out.add(command);
        }
        return new Transition(d, after, out, reason);
    }

    /**
     * The command the running stage waits for, exactly as it was issued: its recorded messageId, causationId and
     * time (the stage's start). A stage recorded before ids were kept gets an id derived from the deployment and
     * the stage, the same on every call. Null when the current status commands nothing.
     */
    public Command issuedCommand(Deployment d, Instant now) {
        Stage s = d.currentStage();
        if (s == null) {
            return commandFor(d, meta(d, null, now));
        }
        String id = s.commandId() != null ? s.commandId() : UUID.nameUUIDFromBytes((d.id() + "|" + d.stages().size()
                + "|" + s.name() + "|" + s.startedAt()).getBytes(StandardCharsets.UTF_8)).toString();
        return commandFor(d, new Meta(id, d.id(), d.correlationId(), s.commandCause(), s.startedAt()));
    }

    /** What a deployment in its current status is waiting for an agent to do: the strategy's, else the shared. */
    public Command commandFor(Deployment d, Meta meta) {
        switch (d.status()) {
            case PAUSED -> {
                return waitingRollback(d, meta);
            }
            case QUEUED, PENDING, AWAITING_APPROVAL, SUCCEEDED, FAILED, ROLLED_BACK, SUPERSEDED -> {
                return null;
            }
            case CONFIGURING -> {
                return new ResolveConfig(meta, d.target(), d.version(), d.overrides());
            }
            default -> {
            }
        }
        if (InfrastructureStage.running(d)) {
            return InfrastructureStage.commandFor(d, meta);
        }
        Command own = strategy(d).commandFor(d, meta);
        if (own != null) {
            return own;
        }
        return switch (d.status()) {
            case CLEANING_UP -> new ReleaseSlot(meta, d.target(), d.cleanup().slot(),
                    (d.cleanup().succeeds() ? TrafficPurpose.CLEANUP : TrafficPurpose.ABORT).wire(), placement(d));
            case ROLLING_BACK -> {
                RollbackPlan p = d.rollbackPlan();
                yield p == null ? new StartRollback(meta, d.target(), d.stableSlot(), d.slot(),
                        RolloutSettings.IMMEDIATE, d.reason(), null, null, null, null, null, placement(d))
                        : new StartRollback(meta, d.target(), d.stableSlot(), d.slot(), p.strategy(), p.reason(),
                        p.steps(), p.stepIntervalMs(), p.stableHealthUrl(), null, null, placement(d));
            }
            default -> null;
        };
    }

    /**
     * PAUSED for a manual rollback: the rollback-service holds the plan (strategy manual) until the operator's
     * decision replaces or cancels it. Deployments paused that way before the plan was recorded wait in the
     * orchestrator alone.
     */
    private static Command waitingRollback(Deployment d, Meta meta) {
        RollbackPlan p = d.rollbackPlan();
        if (d.hold() == null || !d.hold().is(HoldKind.MANUAL_ROLLBACK) || p == null
                || !RolloutSettings.MANUAL.equals(p.strategy())) {
            return null;
        }
        return new StartRollback(meta, d.target(), d.stableSlot(), d.slot(), p.strategy(), p.reason(), null, null,
                null, null, null, placement(d));
    }

    /**
     * Where the deployment's target runs, for the provisioner commands it and the rollback-service send; null
     * (local processes) before the configuration is known or for settings recorded before targets were typed.
     */
    public static Placement placement(Deployment d) {
        return d.settings() == null ? null : d.settings().placement();
    }

    /**
     * The failure a status change is caused by: one recorded by this transition, or, when a deployment ends FAILED or
     * ROLLED_BACK after the cleanup or rollback a failure started, that failure.
     */
    static DeploymentEvent.Failure causingFailure(Deployment before, Deployment after) {
        FailureRecord last = after.lastFailure();
        if (last == null) {
            return null;
        }
        if (after.failures().size() > before.failures().size()) {
            return last.toEvent();
        }
        boolean endsAfterFailure = (after.status() == FAILED || after.status() == ROLLED_BACK)
                && (before.status() == CLEANING_UP || before.status() == ROLLING_BACK)
                && last.action() != FailureAction.RETRY && last.action() != FailureAction.NONE;
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

    public static Meta meta(Deployment d, Meta cause, Instant now) {
        return new Meta(UUID.randomUUID().toString(), d.id(), d.correlationId(),
                cause == null ? null : cause.messageId(), now);
    }

    /** "30s", or "1.5s" for durations that are not whole seconds (short test timeouts). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : (ms / 1000.0) + "s";
    }
}
