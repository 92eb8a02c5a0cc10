package dev.cutover.orchestrator.engine.actions;

import dev.cutover.events.Message;
import dev.cutover.events.RollbackCommand.CancelRollback;
import dev.cutover.orchestrator.engine.Transitions;
import dev.cutover.orchestrator.model.ActionNotAllowedException;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.Hold;
import dev.cutover.orchestrator.model.HoldKind;
import dev.cutover.orchestrator.model.OperatorAction;
import dev.cutover.orchestrator.model.PlainText;
import dev.cutover.orchestrator.model.StageStatus;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.strategy.Moves;
import dev.cutover.orchestrator.strategy.RollbackTrigger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.cutover.events.DeploymentStatus.AWAITING_APPROVAL;
import static dev.cutover.events.DeploymentStatus.CLEANING_UP;
import static dev.cutover.events.DeploymentStatus.CONFIGURING;
import static dev.cutover.events.DeploymentStatus.PAUSED;
import static dev.cutover.events.DeploymentStatus.PENDING;
import static dev.cutover.events.DeploymentStatus.PROGRESSING;
import static dev.cutover.events.DeploymentStatus.QUEUED;
import static dev.cutover.events.DeploymentStatus.ROLLING_BACK;

/**
 * Operator actions (promote, pause, resume, abort, approve, rollback) and holds: which status allows which action,
 * and where each leads. Every action is recorded on the deployment with who and why.
 */
public final class OperatorActions {

    public static final String ABORTED = "aborted by operator";

    private final Transitions t;
    private final Moves moves;

    public OperatorActions(Transitions t, Moves moves) {
        this.t = t;
        this.moves = moves;
    }

    /** @throws ActionNotAllowedException when the current status does not allow it */
    public Transition act(Deployment d, OperatorAction.Kind kind, String by, String why, Instant now) {
        // both are the caller's words, recorded on the deployment and in every reason built from them
        by = PlainText.of(by);
        why = PlainText.of(why);
        if (d.terminal()) {
            throw new ActionNotAllowedException("deployment " + d.id() + " is " + d.status() + ": nothing to "
                    + kind.path());
        }
        Deployment recorded = d.edit().addAction(new OperatorAction(kind.path(), d.status(), by, why, now)).build();
        String suffix = why == null || why.isBlank() ? "" : " (" + (by == null ? "" : by + ": ") + why + ")";
        boolean planHeld = d.hold() != null && d.hold().is(HoldKind.PROVISION_APPROVAL);
        Transition tr = switch (kind) {
            case PROMOTE -> {
                if (planHeld) {
                    throw ActionNotAllowedException.of(d, kind, "the infrastructure plan waits for approval: POST"
                            + " /deployments/" + d.id() + "/approve or /abort");
                }
                yield cancelWaitingRollback(d, t.strategy(d).promote(moves, recorded, now,
                    "promoted by operator" + suffix), now);
            }
            case PAUSE -> {
                if (d.status() != PROGRESSING) {
                    throw ActionNotAllowedException.of(d, kind, "only a PROGRESSING canary or rolling deployment can be paused");
                }
                String reason = "paused by operator" + suffix;
                yield t.hold(recorded, null, now, PAUSED, new Hold(HoldKind.OPERATOR, PROGRESSING, d.stage(), reason,
                        null), reason, StageStatus.INTERRUPTED);
            }
            case RESUME -> {
                if (d.status() != PAUSED || d.hold() == null) {
                    throw ActionNotAllowedException.of(d, kind, "only a PAUSED deployment can be resumed");
                }
                yield switch (d.hold().kind()) {
                    case MANUAL_ROLLBACK -> throw ActionNotAllowedException.of(d, kind,
                            "a rollback is needed: POST /deployments/" + d.id() + "/rollback or /promote");
                    case ANALYSIS -> t.strategy(d).afterAnalysisHold(moves, recorded, now, "resumed by operator"
                            + suffix + " after: " + d.reason());
                    default -> t.resume(recorded, now, "resumed by operator" + suffix, b -> b);
                };
            }
            case APPROVE -> {
                if (d.status() != AWAITING_APPROVAL || d.hold() == null) {
                    throw ActionNotAllowedException.of(d, kind, "only a deployment AWAITING_APPROVAL can be approved");
                }
                // approving a plan is not approving the promote gate: it only lets the plan be applied
                yield planHeld ? t.resume(recorded, now, "infrastructure plan approved by operator" + suffix
                        + "; applying it", b -> b)
                        : t.resume(recorded, now, "approved by operator" + suffix, b -> b.approved(true));
            }
            case ABORT -> {
                if (d.status() == ROLLING_BACK || d.status() == CLEANING_UP) {
                    throw ActionNotAllowedException.of(d, kind, "the deployment is already ending (" + d.status() + ")");
                }
                yield moves.rollBack(recorded, null, now, ABORTED + suffix, RollbackTrigger.ABORT);
            }
            case ROLLBACK -> {
                if (d.status() == ROLLING_BACK || d.status() == CLEANING_UP || d.status() == QUEUED
                        || d.status() == PENDING || d.status() == CONFIGURING) {
                    throw ActionNotAllowedException.of(d, kind, d.status() == ROLLING_BACK || d.status() == CLEANING_UP
                            ? "the deployment is already ending (" + d.status() + ")"
                            : "nothing was deployed yet; use /abort");
                }
                String reason = d.hold() != null && d.hold().is(HoldKind.MANUAL_ROLLBACK)
                        ? "rollback by operator" + suffix + "; " + d.hold().reason()
                        : "rollback requested by operator" + suffix;
                yield moves.rollBack(recorded, null, now, reason, RollbackTrigger.OPERATOR);
            }
        };
        return new Transition(d, tr.after(), tr.messages(), tr.reason());
    }

    /**
     * Promoted out of a manual-rollback pause: the plan the rollback-service holds for it is cancelled, and the
     * deployment no longer shows it.
     */
    private static Transition cancelWaitingRollback(Deployment before, Transition promoted, Instant now) {
        if (before.hold() == null || !before.hold().is(HoldKind.MANUAL_ROLLBACK) || before.rollbackPlan() == null) {
            return promoted;
        }
        Deployment after = promoted.after().edit().rollbackPlan(null).build();
        List<Message> out = new ArrayList<>(promoted.messages());
        out.add(new CancelRollback(Transitions.meta(after, null, now), after.target(), promoted.reason()));
        return new Transition(promoted.before(), after, out, promoted.reason());
    }

    /** A newer deployment replaces this one (onConflict supersede); ignored when it is already ending. */
    public Transition supersede(Deployment d, String by, Instant now) {
        if (d.terminal() || d.status() == ROLLING_BACK || d.status() == CLEANING_UP) {
            return Transition.ignored(d);
        }
        return moves.rollBack(d, null, now, "superseded by deployment " + by, RollbackTrigger.SUPERSEDE);
    }
}
