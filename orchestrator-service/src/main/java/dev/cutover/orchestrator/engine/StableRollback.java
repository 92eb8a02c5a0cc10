package dev.cutover.orchestrator.engine;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Meta;
import dev.cutover.orchestrator.model.CleanupPlan;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.Hold;
import dev.cutover.orchestrator.model.HoldKind;
import dev.cutover.orchestrator.model.RollbackPlan;
import dev.cutover.orchestrator.model.Rollout;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.StageStatus;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.settings.RolloutSettings;
import dev.cutover.orchestrator.strategy.RollbackTrigger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.cutover.events.DeploymentStatus.CLEANING_UP;
import static dev.cutover.events.DeploymentStatus.FAILED;
import static dev.cutover.events.DeploymentStatus.PAUSED;
import static dev.cutover.events.DeploymentStatus.ROLLED_BACK;
import static dev.cutover.events.DeploymentStatus.ROLLING_BACK;
import static dev.cutover.events.DeploymentStatus.SUPERSEDED;

/**
 * The rollback of a slot pair (blue-green, canary), planned here and executed by the rollback-service through one
 * StartRollback: before traffic moved, the new slot is only released; after, traffic goes back to the stable slot
 * by the strategy the trigger calls for — immediate, gradual (the canary's weight back down through the steps it
 * passed, defined here once), or manual (a plan the rollback-service holds until an operator rolls back or
 * promotes; the deployment is PAUSED meanwhile). A target's first
 * deployment has no stable slot: the new one is released.
 */
final class StableRollback {

    private final Transitions t;

    StableRollback(Transitions t) {
        this.t = t;
    }

    Transition rollBack(Deployment d, Meta cause, Instant now, String why, RollbackTrigger trigger) {
        DeploymentStatus endAs = endAs(trigger);
        StageStatus outcome = trigger == RollbackTrigger.FAILURE ? StageStatus.FAILED : StageStatus.INTERRUPTED;
        switch (d.status()) {
            case QUEUED, PENDING, CONFIGURING -> {
                return t.go(d, cause, now, outcome, endAs, null, why, null, b -> b);
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
        DeploymentStatus rolledBack = trigger == RollbackTrigger.SUPERSEDE ? SUPERSEDED : ROLLED_BACK;
        if (RolloutSettings.MANUAL.equals(strategy)) {
            // the rollback-service holds a manual plan until the operator decides: POST /rollback or /abort sends
            // the rollback that replaces it, /promote cancels it
            String reason = "rollback needed: " + why + "; waiting for an operator (POST /deployments/" + d.id()
                    + "/rollback or /promote)";
            RollbackPlan waiting = new RollbackPlan(RolloutSettings.MANUAL, null, null, null, why, rolledBack);
            Hold hold = new Hold(HoldKind.MANUAL_ROLLBACK, null, null, reason, null);
            return t.go(d, cause, now, StageStatus.FAILED, PAUSED, Stage.PAUSE, reason, null,
                    b -> b.hold(hold).rollbackPlan(waiting));
        }
        RollbackPlan plan = RolloutSettings.GRADUAL.equals(strategy)
                ? new RollbackPlan(strategy, gradualSteps(d, settings), settings.rollbackStepIntervalMs(),
                d.stableUrl(), why, rolledBack)
                : new RollbackPlan(strategy, null, null, null, why, rolledBack);
        return t.go(d, cause, now, outcome, ROLLING_BACK, Stage.ROLLBACK, why, null, b -> b.rollbackPlan(plan));
    }

    /** The weights a gradual rollback takes the new slot through: the canary steps it passed, down to 0. */
    static List<Integer> gradualSteps(Deployment d, RolloutSettings settings) {
        int current = d.weights().getOrDefault(d.slot(), d.rollout() != null ? d.rollout().weight() : 100);
        Rollout passed = d.rollout() != null ? d.rollout()
                : new Rollout(settings.canarySteps(), settings.canarySteps().size() - 1);
        List<Integer> steps = new ArrayList<>(passed.passedBelow(current));
        steps.add(0);
        return List.copyOf(steps);
    }

    /** Where a deployment that rolls back for {@code trigger} ends when there is nothing to move traffic back to. */
    static DeploymentStatus endAs(RollbackTrigger trigger) {
        return switch (trigger) {
            case SUPERSEDE -> SUPERSEDED;
            case FAILURE -> FAILED;
            case OPERATOR, ABORT -> ROLLED_BACK;
        };
    }

    /** Stop the new slot, then end as {@code endAs}. */
    Transition releaseNewSlot(Deployment d, Meta cause, Instant now, String reason, DeploymentStatus endAs,
                              StageStatus stageOutcome) {
        return t.go(d, cause, now, stageOutcome, CLEANING_UP, Stage.CLEANUP, reason, null,
                b -> b.cleanup(new CleanupPlan(d.slot(), endAs, reason)));
    }

    /**
     * Ends CLEANING_UP with the planned outcome. A slot that could not be released does not change the
     * outcome (the new version already serves, or the deployment already failed); it is added to the reason.
     */
    Transition endCleanup(Deployment d, Meta cause, Instant now, String problem) {
        CleanupPlan plan = d.cleanup();
        String reason = problem == null ? plan.reason()
                : plan.reason() + "; slot " + plan.slot() + " not released: " + problem;
        return t.advance(d, cause, now, problem == null ? StageStatus.SUCCEEDED : StageStatus.FAILED, plan.outcome(),
                reason, b -> b);
    }
}
