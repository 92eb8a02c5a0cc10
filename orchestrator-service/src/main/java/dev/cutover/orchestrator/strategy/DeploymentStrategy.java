package dev.cutover.orchestrator.strategy;

import dev.cutover.events.Command;
import dev.cutover.events.Event;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.orchestrator.model.ActionNotAllowedException;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.Pipeline;
import dev.cutover.orchestrator.model.RunsOn;
import dev.cutover.orchestrator.model.SlotPlan;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.Transition;

import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One way of taking a version to an environment: it owns its steps, their commands, what a timeout in them means,
 * the pipeline stage each step belongs to, and how the deployment is rolled back. Implementations are pure (no
 * Quarkus, no clock), live in a package of their own and are picked in one place ({@link Strategies}). The engine
 * knows only this interface; it keeps what every strategy shares (config, cleanup, holds, operator actions,
 * deadlines) and hands the strategy the {@link Moves} it may make.
 * <p>
 * A method that answers {@code null} leaves the input to the engine's shared handling.
 */
public interface DeploymentStrategy {

    String BLUE_GREEN = "blue-green";
    String CANARY = "canary";
    String ROLLING = "rolling";

    String name();

    /**
     * The target kinds it can deploy to ({@code target.kind}); another kind is refused (at request time when the
     * orchestrator already knows the target's kind, else once the configuration is resolved).
     */
    RunsOn runsOn();

    /** The configuration resolved (settings are set on {@code d}): the first step of the strategy. */
    Transition begin(Moves m, Deployment d, Meta cause, Instant now, String reason);

    /** An agent event; {@code null} when it is not for the strategy. */
    Transition on(Moves m, Deployment d, Event event, Instant now);

    /** What the deployment waits for an agent to do in its current status and stage; null: the engine's. */
    Command commandFor(Deployment d, Meta meta);

    /** The running stage passed its deadline; null: the engine's shared handling (cleanup, rollback). */
    Transition timedOut(Moves m, Deployment d, Instant now, String reason);

    /** Operator promote: skip the remaining steps. */
    Transition promote(Moves m, Deployment d, Instant now, String reason);

    /** Continue after an analysis hold (inconclusive, or insufficient data with policy pause). */
    default Transition afterAnalysisHold(Moves m, Deployment d, Instant now, String reason) {
        throw new ActionNotAllowedException("nothing to continue");
    }

    /**
     * Undo what the deployment changed, for {@code trigger}. By default: the blue-green/canary rollback to the
     * stable slot ({@link Moves#rollBackToStable}).
     */
    default Transition rollBack(Moves m, Deployment d, Meta cause, Instant now, String why, RollbackTrigger trigger) {
        return m.rollBackToStable(d, cause, now, why, trigger);
    }

    /** The new deployment's slots, from which slots serve the target now. By default the free one of the pair. */
    default Deployment planned(Deployment d, SlotPlan plan) {
        return d.edit().slot(plan.slot()).stableSlot(plan.stableSlot()).stableVersion(plan.stableVersion())
                .stableUrl(plan.stableUrl()).stableSlots(plan.stableSlots()).stableArtifact(plan.stableArtifact())
                .stableEnvironment(plan.stableEnvironment()).build();
    }

    /**
     * The pipeline stage ({@link Pipeline}) the fine stage {@code stage} entered now belongs to. By default
     * blue-green's: provision = config, provision; deploy = verify, switch; test = monitor; promote = approval,
     * cleanup after success.
     */
    default Pipeline pipelineStage(Deployment d, String stage) {
        return switch (stage) {
            case Stage.CLEANUP -> d.cleanup() != null && d.cleanup().succeeds() ? Pipeline.PROMOTE
                    : Pipeline.ROLLBACK;
            default -> Pipeline.shared(d, stage);
        };
    }

    /** A slot a reply names is the one expected; a reply that names none is taken to be about it. */
    static boolean sameSlot(String reported, String expected) {
        return reported == null || reported.equals(expected);
    }

    /**
     * What a TrafficShifted says about the target now: where traffic enters, the router's admin URL, the weights,
     * and — when the shift moved slots (an App Service swap puts the new version on the production host) — where the
     * new and the stable slot answer, so later health checks and a gradual rollback's watch follow the versions.
     */
    static UnaryOperator<Deployment.Builder> shifted(Deployment d, TrafficShifted t) {
        return b -> {
            b.routerUrl(t.routerUrl()).routerAdminUrl(t.routerAdminUrl()).weights(t.weights());
            Map<String, String> moved = t.instanceUrls() == null ? Map.of() : t.instanceUrls();
            if (d.slot() != null && moved.containsKey(d.slot())) {
                b.instanceUrl(moved.get(d.slot()));
            }
            if (d.stableSlot() != null && moved.containsKey(d.stableSlot())) {
                b.stableUrl(moved.get(d.stableSlot()));
            }
            return b;
        };
    }
}
