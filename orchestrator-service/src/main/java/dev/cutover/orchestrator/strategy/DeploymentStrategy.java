package dev.cutover.orchestrator.deployment;

import dev.cutover.events.Command;
import dev.cutover.events.Event;
import dev.cutover.events.Meta;

import java.time.Instant;

/**
 * One way of taking a version to an environment. Implementations are pure (no Quarkus, no clock) and are chosen
 * in one place, {@link Strategies#of}, by the deployment's {@code strategy}. The state machine keeps what every
 * strategy shares (config, cleanup, rollback through the rollback-service, holds, operator actions, deadlines)
 * and asks the strategy for the rest.
 */
interface DeploymentStrategy {

    String name();

    /** The configuration resolved (settings are set on {@code d}): the first step of the strategy. */
    Transition begin(DeploymentStateMachine m, Deployment d, Meta cause, Instant now, String reason);

    /** An agent event in one of the strategy's own statuses; {@code null} when it is not for the strategy. */
    Transition on(DeploymentStateMachine m, Deployment d, Event event, Instant now);

    /** What the deployment waits for an agent to do in its current status and stage; null when nothing. */
    Command commandFor(Deployment d, Meta meta);

    /** The running stage of one of the strategy's statuses passed its deadline. */
    Transition timedOut(DeploymentStateMachine m, Deployment d, Instant now, String reason);

    /** Operator promote: skip the remaining steps. */
    Transition promote(DeploymentStateMachine m, Deployment d, Instant now, String reason);

    /** Continue after an analysis hold (inconclusive, or insufficient data with policy pause). */
    default Transition afterAnalysisHold(DeploymentStateMachine m, Deployment d, Instant now, String reason) {
        throw new ActionNotAllowedException("nothing to continue");
    }
}
