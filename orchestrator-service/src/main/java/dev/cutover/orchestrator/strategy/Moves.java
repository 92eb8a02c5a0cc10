package dev.cutover.orchestrator.strategy;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Meta;
import dev.cutover.orchestrator.engine.recovery.Classification;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.Hold;
import dev.cutover.orchestrator.model.StageStatus;
import dev.cutover.orchestrator.model.Transition;

import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * The moves the engine offers a strategy. Every move ends the running stage with an outcome, enters a status (and
 * fine stage), announces it with DeploymentStatusChanged and issues the command of the new status, derived from the
 * deployment alone, so a restart re-issues exactly the same command.
 */
public interface Moves {

    /** Into {@code next}, in fine stage {@code stage} (null: none), with {@code changes} applied. */
    Transition go(Deployment d, Meta cause, Instant now, StageStatus stageOutcome, DeploymentStatus next,
                  String stage, String reason, UnaryOperator<Deployment.Builder> changes);

    /** Into {@code next}, in the fine stage that status always has. */
    Transition advance(Deployment d, Meta cause, Instant now, StageStatus stageOutcome, DeploymentStatus next,
                       String reason, UnaryOperator<Deployment.Builder> changes);

    /** Into PAUSED or AWAITING_APPROVAL with {@code hold} saying why and where it continues. */
    Transition hold(Deployment d, Meta cause, Instant now, DeploymentStatus status, Hold hold, String reason,
                    StageStatus stageOutcome);

    /** Roll back for {@code trigger}, as the deployment's strategy does it. */
    Transition rollBack(Deployment d, Meta cause, Instant now, String why, RollbackTrigger trigger);

    /**
     * The shared rollback of a slot pair: before traffic moved, release the new slot; after, StartRollback to the
     * stable slot by the strategy the trigger calls for (immediate, gradual, or a manual pause); on a first
     * deployment just release the new slot.
     */
    Transition rollBackToStable(Deployment d, Meta cause, Instant now, String why, RollbackTrigger trigger);

    /** A failure before traffic moved: retried by the recovery policy, else the new slot is released → FAILED. */
    Transition failedBeforeSwitch(Deployment d, Meta cause, Instant now, String why, Classification c);
}
