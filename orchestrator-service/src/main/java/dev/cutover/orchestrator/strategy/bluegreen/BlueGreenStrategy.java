package dev.cutover.orchestrator.strategy.bluegreen;

import dev.cutover.events.Command;
import dev.cutover.events.Event;
import dev.cutover.events.HealthMonitorCommand.CheckMode;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.orchestrator.engine.recovery.Classifier;
import dev.cutover.orchestrator.model.ActionNotAllowedException;
import dev.cutover.orchestrator.model.CheckPhase;
import dev.cutover.orchestrator.model.CleanupPlan;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.Hold;
import dev.cutover.orchestrator.model.HoldKind;
import dev.cutover.orchestrator.model.OperatorAction;
import dev.cutover.orchestrator.model.ProvisionerOperation;
import dev.cutover.orchestrator.model.RunsOn;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.StageStatus;
import dev.cutover.orchestrator.model.TrafficPurpose;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.strategy.DeploymentStrategy;
import dev.cutover.orchestrator.strategy.Moves;
import dev.cutover.orchestrator.strategy.RollbackTrigger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.cutover.events.DeploymentStatus.AWAITING_APPROVAL;
import static dev.cutover.events.DeploymentStatus.CLEANING_UP;
import static dev.cutover.events.DeploymentStatus.MONITORING;
import static dev.cutover.events.DeploymentStatus.PAUSED;
import static dev.cutover.events.DeploymentStatus.PROVISIONING;
import static dev.cutover.events.DeploymentStatus.SUCCEEDED;
import static dev.cutover.events.DeploymentStatus.SWITCHING;
import static dev.cutover.events.DeploymentStatus.VERIFYING;

/**
 * Blue-green: the new version in the free slot, checked until healthy, all traffic switched at once, watched over
 * the monitoring window, then the old slot released. With an approval gate the old slot is kept (AWAITING_APPROVAL)
 * until an operator approves, so a rollback stays one switch away. Canary reuses its provision, verify, watch and
 * cleanup steps.
 */
public final class BlueGreenStrategy implements DeploymentStrategy {

    @Override
    public String name() {
        return DeploymentStrategy.BLUE_GREEN;
    }

    /** Two slots behind one router: local processes, or an App Service and its staging slot. */
    public static final RunsOn RUNS_ON = new RunsOn(List.of(Placement.PROCESS, Placement.APP_SERVICE));

    @Override
    public RunsOn runsOn() {
        return RUNS_ON;
    }

    @Override
    public Transition begin(Moves m, Deployment d, Meta cause, Instant now, String reason) {
        return m.advance(d, cause, now, StageStatus.SUCCEEDED, PROVISIONING, reason, b -> b);
    }

    @Override
    public Transition on(Moves m, Deployment d, Event event, Instant now) {
        Meta cause = event.meta();
        switch (d.status()) {
            case PROVISIONING -> {
                if (Stage.RETRY.equals(d.stage())) {
                    // waiting to retry: replies to the failed attempt and to its release change nothing
                    return null;
                }
                if (event instanceof SlotProvisioned p && d.slot().equals(p.slot())) {
                    return m.advance(d, cause, now, StageStatus.SUCCEEDED, VERIFYING,
                            "slot " + d.slot() + " runs " + d.version() + " at " + p.instanceUrl(),
                            b -> b.instanceUrl(p.instanceUrl()).routerAdminUrl(p.routerAdminUrl())
                                    .routerUrl(p.routerUrl()));
                }
                if (event instanceof ProvisioningFailed f && ProvisionerOperation.PROVISION.is(f.operation())
                        && DeploymentStrategy.sameSlot(f.slot(), d.slot())) {
                    return m.failedBeforeSwitch(d, cause, now, "provisioning slot " + d.slot() + " failed: "
                            + f.reason(), Classifier.of(f, false));
                }
            }
            case VERIFYING -> {
                if (event instanceof HealthCheckCompleted h && CheckPhase.PRE_SWITCH.is(h.phase()) && d.slot().equals(h.slot())) {
                    return h.passed()
                            ? verified(m, d, cause, now, "pre-switch health check passed after " + h.rounds() + " rounds")
                            : m.failedBeforeSwitch(d, cause, now, "pre-switch health check failed: " + h.reason(),
                            Classifier.of(h, false));
                }
            }
            case SWITCHING -> {
                if (event instanceof TrafficShifted t && Integer.valueOf(100).equals(t.weights().get(d.slot()))) {
                    return m.advance(d, cause, now, StageStatus.SUCCEEDED, MONITORING, "traffic on " + d.slot(),
                            DeploymentStrategy.shifted(d, t));
                }
                if (event instanceof ProvisioningFailed f && ProvisionerOperation.SHIFT.is(f.operation())) {
                    return m.rollBack(d, cause, now, "shifting traffic to " + d.slot() + " failed: " + f.reason(),
                            RollbackTrigger.FAILURE);
                }
            }
            case MONITORING -> {
                if (event instanceof HealthCheckCompleted h && CheckPhase.POST_SWITCH.is(h.phase()) && d.slot().equals(h.slot())) {
                    if (!h.passed()) {
                        return m.rollBack(d, cause, now, "post-switch health check failed: " + h.reason(),
                                RollbackTrigger.FAILURE);
                    }
                    return finish(m, d, cause, now, "post-switch health check passed", StageStatus.SUCCEEDED);
                }
            }
            default -> {
            }
        }
        return null;
    }

    /** Pre-switch check passed: switch all traffic. */
    public Transition verified(Moves m, Deployment d, Meta cause, Instant now, String reason) {
        return m.advance(d, cause, now, StageStatus.SUCCEEDED, SWITCHING, reason, b -> b);
    }

    /**
     * The new version serves all traffic and was watched: release the stable slot (the promote stage), after the
     * approval gate when the environment has one. A first deployment has nothing to release and no gate.
     */
    public static Transition finish(Moves m, Deployment d, Meta cause, Instant now, String why,
                             StageStatus stageOutcome) {
        String done = d.slot() + " serves " + d.version();
        if (d.stableSlot() == null) {
            return m.go(d, cause, now, stageOutcome, SUCCEEDED, null, why + "; " + done, b -> b);
        }
        CleanupPlan cleanup = new CleanupPlan(d.stableSlot(), SUCCEEDED, done + "; " + d.stableSlot() + " released");
        if (gated(d)) {
            String reason = why + "; waiting for approval before releasing " + d.stableSlot()
                    + " (POST /deployments/" + d.id() + "/approve)";
            return m.hold(d, cause, now, AWAITING_APPROVAL,
                    new Hold(HoldKind.APPROVAL, CLEANING_UP, Stage.CLEANUP, reason, cleanup), reason, stageOutcome);
        }
        return m.go(d, cause, now, stageOutcome, CLEANING_UP, Stage.CLEANUP, why + "; releasing " + d.stableSlot(),
                b -> b.cleanup(cleanup));
    }

    public static boolean gated(Deployment d) {
        return d.settings() != null && d.settings().rollout().approvalBeforePromote() && !d.approved();
    }

    @Override
    public Command commandFor(Deployment d, Meta meta) {
        return switch (d.status()) {
            // a retry first releases whatever the failed attempt left (idempotent), then provisions again
            case PROVISIONING -> Stage.RETRY.equals(d.stage())
                    ? new ReleaseSlot(meta, d.target(), d.slot(), TrafficPurpose.RETRY.wire(), d.settings().placement())
                    : provision(d, meta);
            case VERIFYING -> new RunHealthCheck(meta, d.target(), d.slot(), d.instanceUrl(), CheckPhase.PRE_SWITCH.wire(),
                    CheckMode.UNTIL_HEALTHY, d.settings().health().untilHealthySpec());
            case SWITCHING -> new ShiftTraffic(meta, d.target(), switchWeights(d), TrafficPurpose.SWITCH.wire(),
                    d.settings().security(), d.settings().placement());
            case MONITORING -> new RunHealthCheck(meta, d.target(), d.slot(), d.instanceUrl(), CheckPhase.POST_SWITCH.wire(),
                    CheckMode.WATCH, d.settings().health().watchSpec());
            default -> null;
        };
    }

    /**
     * The new slot with the environment's {@code infrastructure.instance-count} instances behind its one router
     * backend (settings recorded before the target was typed: one, as then), with the request's digest for the
     * provisioner to verify before it starts anything, started by the environment's {@code app.command} (if any).
     * Router port 0 when the settings declare none: the provisioner's pool gives the target one.
     */
    static ProvisionSlot provision(Deployment d, Meta meta) {
        var s = d.settings();
        return new ProvisionSlot(meta, d.target(), d.slot(), d.version(), d.artifact(), s.environment(),
                s.routerPort(), s.security(), s.placement(), s.placement() == null ? null
                : s.rollout().instanceCount(), d.sha256()).withCommand(s.command());
    }

    public static Map<String, Integer> switchWeights(Deployment d) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put(d.slot(), 100);
        if (d.stableSlot() != null) {
            weights.put(d.stableSlot(), 0);
        }
        return weights;
    }

    @Override
    public Transition timedOut(Moves m, Deployment d, Instant now, String reason) {
        return switch (d.status()) {
            case PROVISIONING, VERIFYING -> m.failedBeforeSwitch(d, null, now, reason,
                    Classifier.timeout(d.stage(), false));
            case SWITCHING, MONITORING -> m.rollBack(d, null, now, reason, RollbackTrigger.FAILURE);
            default -> null;
        };
    }

    /** Skip the rest of the watch (MONITORING), pass the gate, or override a manual-rollback pause. */
    @Override
    public Transition promote(Moves m, Deployment d, Instant now, String reason) {
        if (d.status() == MONITORING || d.status() == PAUSED || d.status() == AWAITING_APPROVAL) {
            Deployment approved = d.edit().approved(true).build();
            return finish(m, approved, null, now, reason, StageStatus.INTERRUPTED);
        }
        throw ActionNotAllowedException.of(d, OperatorAction.Kind.PROMOTE,
                "blue-green can be promoted while MONITORING, PAUSED or AWAITING_APPROVAL");
    }
}
