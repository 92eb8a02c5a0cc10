package dev.cutover.orchestrator.strategy.canary;

import dev.cutover.events.Command;
import dev.cutover.events.Event;
import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.orchestrator.model.ActionNotAllowedException;
import dev.cutover.orchestrator.model.AnalysisEntry;
import dev.cutover.orchestrator.model.CheckPhase;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.Hold;
import dev.cutover.orchestrator.model.HoldKind;
import dev.cutover.orchestrator.model.OperatorAction;
import dev.cutover.orchestrator.model.Pipeline;
import dev.cutover.orchestrator.model.ProvisionerOperation;
import dev.cutover.orchestrator.model.Rollout;
import dev.cutover.orchestrator.model.RunsOn;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.StageStatus;
import dev.cutover.orchestrator.model.TrafficPurpose;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.strategy.DeploymentStrategy;
import dev.cutover.orchestrator.strategy.Moves;
import dev.cutover.orchestrator.strategy.bluegreen.BlueGreenStrategy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import static dev.cutover.events.DeploymentStatus.AWAITING_APPROVAL;
import static dev.cutover.events.DeploymentStatus.MONITORING;
import static dev.cutover.events.DeploymentStatus.PAUSED;
import static dev.cutover.events.DeploymentStatus.PROGRESSING;
import static dev.cutover.events.DeploymentStatus.VERIFYING;
import static dev.cutover.orchestrator.strategy.RollbackTrigger.FAILURE;

/**
 * Canary: provisioned and checked like blue-green, then traffic goes through the step weights (canary.steps,
 * default 5 → 25 → 50 → 100). Below 100 each step is ShiftTraffic({canary: w, stable: 100 − w}) then
 * RunAnalysis against the stable slot as baseline. PASS → next step; FAIL → rollback by the environment's
 * strategy; INCONCLUSIVE → PAUSED for an operator; INSUFFICIENT_DATA (or no verdict before the analysis stage's
 * deadline) → analysis.insufficient-data-policy: fail → rollback, pause → PAUSED, pass → next step. At 100 there
 * is no baseline: the blue-green post-switch WATCH, then the stable slot is released. A target's first deployment
 * has nothing to compare with and runs exactly as blue-green.
 */
public final class CanaryStrategy implements DeploymentStrategy {

    private final BlueGreenStrategy blueGreen = new BlueGreenStrategy();

    @Override
    public String name() {
        return DeploymentStrategy.CANARY;
    }

    /** As blue-green: the canary and the stable version are two slots behind one router. */
    @Override
    public RunsOn runsOn() {
        return BlueGreenStrategy.RUNS_ON;
    }

    @Override
    public Transition begin(Moves m, Deployment d, Meta cause, Instant now, String reason) {
        return blueGreen.begin(m, d, cause, now, reason);
    }

    @Override
    public Transition on(Moves m, Deployment d, Event event, Instant now) {
        Meta cause = event.meta();
        if (d.status() == VERIFYING && d.stableSlot() == null && event instanceof HealthCheckCompleted h
                && h.passed() && CheckPhase.PRE_SWITCH.is(h.phase()) && d.slot().equals(h.slot())) {
            return blueGreen.verified(m, d, cause, now, "pre-switch health check passed after " + h.rounds()
                    + " rounds; first deployment of " + d.target().key()
                    + ": no stable version to compare with, so the canary runs as blue-green");
        }
        if (d.status() == VERIFYING && event instanceof HealthCheckCompleted h && h.passed()
                && CheckPhase.PRE_SWITCH.is(h.phase()) && d.slot().equals(h.slot())) {
            Rollout first = new Rollout(d.settings().rollout().canarySteps(), 0);
            return enterStep(m, d, cause, now, first, "pre-switch health check passed after " + h.rounds()
                    + " rounds", StageStatus.SUCCEEDED, b -> b);
        }
        if (d.status() != PROGRESSING) {
            return blueGreen.on(m, d, event, now);
        }
        Rollout r = d.rollout();
        if (Stage.SWITCH.equals(d.stage())) {
            if (event instanceof TrafficShifted t && !TrafficPurpose.ROLLBACK.is(t.reason())
                    && Integer.valueOf(r.weight()).equals(t.weights().get(d.slot()))) {
                if (r.weight() == 100) {
                    return m.go(d, cause, now, StageStatus.SUCCEEDED, MONITORING, Stage.MONITOR,
                            "all traffic on " + d.slot() + "; watching it before releasing " + d.stableSlot(),
                            DeploymentStrategy.shifted(d, t));
                }
                return m.go(d, cause, now, StageStatus.SUCCEEDED, PROGRESSING, Stage.ANALYSIS,
                        "step " + label(r) + ": " + d.slot() + " takes " + r.weight() + "%; analysing it against "
                                + d.stableSlot(), DeploymentStrategy.shifted(d, t));
            }
            if (event instanceof ProvisioningFailed f && ProvisionerOperation.SHIFT.is(f.operation())) {
                return m.rollBack(d, cause, now, "shifting traffic for step " + label(r) + " failed: " + f.reason(),
                        FAILURE);
            }
        }
        if (Stage.ANALYSIS.equals(d.stage()) && event instanceof AnalysisCompleted a
                && d.slot().equals(a.canarySlot()) && a.step() == r.step()) {
            return verdict(m, d, a, now);
        }
        return null;
    }

    private Transition verdict(Moves m, Deployment d, AnalysisCompleted a, Instant now) {
        Rollout r = d.rollout();
        String summary = a.decision() == null || a.decision().summary() == null ? "no decision record"
                : a.decision().summary();
        String what = "analysis of step " + label(r);
        InsufficientDataPolicy policy = d.settings().rollout().analysis().insufficientDataPolicy();
        Verdict v = a.verdict();
        String action;
        if (v == Verdict.PASS) {
            action = "next step";
        } else if (v == Verdict.FAIL) {
            action = "rollback";
        } else if (v == Verdict.INCONCLUSIVE) {
            action = "paused";
        } else {
            action = switch (policy) {
                case FAIL -> "rollback (insufficient-data policy fail)";
                case PAUSE -> "paused (insufficient-data policy pause)";
                case PASS -> "next step (insufficient-data policy pass)";
            };
        }
        Deployment recorded = d.edit().addAnalysis(new AnalysisEntry(a.step(), r.weight(), v, a.decision(), now,
                action)).build();
        Meta cause = a.meta();
        return switch (v) {
            case PASS -> next(m, recorded, cause, now, what + " passed: " + summary, StageStatus.SUCCEEDED);
            case FAIL -> m.rollBack(recorded, cause, now, what + " failed: " + summary, FAILURE);
            case INCONCLUSIVE -> pauseForAnalysis(m, recorded, cause, now, what + " inconclusive: " + summary);
            case INSUFFICIENT_DATA -> insufficient(m, recorded, cause, now,
                    what + ": insufficient data (policy " + policy.name().toLowerCase() + "): " + summary);
        };
    }

    /** The insufficient-data policy decides: no verdict, or too little traffic, never hangs a deployment. */
    private Transition insufficient(Moves m, Deployment d, Meta cause, Instant now, String why) {
        return switch (d.settings().rollout().analysis().insufficientDataPolicy()) {
            case FAIL -> m.rollBack(d, cause, now, why, FAILURE);
            case PAUSE -> pauseForAnalysis(m, d, cause, now, why);
            case PASS -> next(m, d, cause, now, why, StageStatus.SUCCEEDED);
        };
    }

    private Transition pauseForAnalysis(Moves m, Deployment d, Meta cause, Instant now, String why) {
        String reason = why + "; paused for an operator (POST /deployments/" + d.id()
                + "/resume to continue to the next step, /promote, /rollback or /abort)";
        return m.hold(d, cause, now, PAUSED, new Hold(HoldKind.ANALYSIS, PROGRESSING, Stage.SWITCH, reason, null), reason,
                StageStatus.SUCCEEDED);
    }

    @Override
    public Transition afterAnalysisHold(Moves m, Deployment d, Instant now, String reason) {
        return next(m, d, null, now, reason, StageStatus.SUCCEEDED);
    }

    private Transition next(Moves m, Deployment d, Meta cause, Instant now, String why,
                            StageStatus outcome) {
        Rollout r = d.rollout();
        return enterStep(m, d, cause, now, r.at(Math.min(r.step() + 1, r.steps().size() - 1)), why, outcome, b -> b);
    }

    /** Shift to the step's weight; before 100 % the approval gate holds it when the environment has one. */
    private Transition enterStep(Moves m, Deployment d, Meta cause, Instant now, Rollout step,
                                 String why, StageStatus outcome, UnaryOperator<Deployment.Builder> changes) {
        if (step.weight() == 100 && BlueGreenStrategy.gated(d)) {
            String reason = why + "; waiting for approval before taking " + d.slot() + " to 100% (POST /deployments/"
                    + d.id() + "/approve)";
            return m.go(d, cause, now, outcome, AWAITING_APPROVAL, Stage.APPROVAL, reason,
                    b -> changes.apply(b.rollout(step)
                            .hold(new Hold(HoldKind.APPROVAL, PROGRESSING, Stage.SWITCH, reason, null))));
        }
        return m.go(d, cause, now, outcome, PROGRESSING, Stage.SWITCH,
                why + "; step " + label(step) + ": shifting " + step.weight() + "% to " + d.slot(),
                b -> changes.apply(b.rollout(step)));
    }

    static String label(Rollout r) {
        return (r.step() + 1) + "/" + r.steps().size() + " (" + r.weight() + "%)";
    }

    static Map<String, Integer> stepWeights(Deployment d) {
        Map<String, Integer> w = new LinkedHashMap<>();
        int canary = d.rollout().weight();
        w.put(d.slot(), canary);
        w.put(d.stableSlot(), 100 - canary);
        return w;
    }

    @Override
    public Command commandFor(Deployment d, Meta meta) {
        if (d.status() != PROGRESSING) {
            return blueGreen.commandFor(d, meta);
        }
        Rollout r = d.rollout();
        if (Stage.ANALYSIS.equals(d.stage())) {
            AnalysisSpec spec = d.settings().rollout().analysis();
            // only the first step meets a freshly started canary; later steps find it warm
            return new RunAnalysis(meta, d.target(), d.slot(), d.stableSlot(), r.step(), r.weight(),
                    metricsUrl(d), d.instanceUrl(), r.step() == 0 ? spec : spec.withWarmupMs(0));
        }
        return new ShiftTraffic(meta, d.target(), stepWeights(d), "canary step " + (r.step() + 1) + "/"
                + r.steps().size(), d.settings().security(), d.settings().placement());
    }

    /**
     * The router's admin API, where its per-backend metrics are: as the provisioner reported it. A deployment
     * recorded before provisioners reported it (and only such) falls back to the local router's old layout.
     */
    private static String metricsUrl(Deployment d) {
        return d.routerAdminUrl() != null ? d.routerAdminUrl()
                : "http://127.0.0.1:" + (d.settings().routerPort() + 1);
    }

    @Override
    public Transition timedOut(Moves m, Deployment d, Instant now, String reason) {
        if (d.status() == PROGRESSING && Stage.ANALYSIS.equals(d.stage())) {
            Rollout r = d.rollout();
            Deployment recorded = d.edit().addAnalysis(new AnalysisEntry(r.step(), r.weight(),
                    Verdict.INSUFFICIENT_DATA, null, now, "no verdict before the deadline; insufficient-data policy "
                    + d.settings().rollout().analysis().insufficientDataPolicy().name().toLowerCase())).build();
            return insufficient(m, recorded, null, now, reason + " without a verdict (insufficient-data policy "
                    + d.settings().rollout().analysis().insufficientDataPolicy().name().toLowerCase() + ")");
        }
        if (d.status() == PROGRESSING) {
            return m.rollBack(d, null, now, reason, FAILURE);
        }
        return blueGreen.timedOut(m, d, now, reason);
    }

    /** The shift to 100 % and the watch after it promote (they end the comparison with a baseline). */
    @Override
    public Pipeline pipelineStage(Deployment d, String stage) {
        boolean againstStable = d.rollout() != null && d.stableSlot() != null;
        return switch (stage) {
            case Stage.SWITCH -> againstStable && d.rollout().weight() == 100 ? Pipeline.PROMOTE : Pipeline.DEPLOY;
            case Stage.MONITOR -> againstStable ? Pipeline.PROMOTE : Pipeline.TEST;
            default -> blueGreen.pipelineStage(d, stage);
        };
    }

    /** Skip the remaining steps: straight to 100 % (which also passes the approval gate), then finish. */
    @Override
    public Transition promote(Moves m, Deployment d, Instant now, String reason) {
        if (d.rollout() == null || d.status() == MONITORING) {
            return blueGreen.promote(m, d, now, reason);
        }
        if (d.status() == PROGRESSING || d.status() == PAUSED || d.status() == AWAITING_APPROVAL) {
            Rollout r = d.rollout();
            Deployment approved = d.edit().approved(true).build();
            return enterStep(m, approved, null, now, r.at(r.steps().size() - 1), reason, StageStatus.INTERRUPTED,
                    b -> b);
        }
        throw ActionNotAllowedException.of(d, OperatorAction.Kind.PROMOTE,
                "a canary can be promoted while PROGRESSING, PAUSED, AWAITING_APPROVAL or MONITORING");
    }
}
