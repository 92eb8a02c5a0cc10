package dev.cutover.orchestrator.strategy.rolling;

import dev.cutover.events.Command;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Event;
import dev.cutover.events.HealthMonitorCommand.CheckMode;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.orchestrator.model.RollbackFigures;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.orchestrator.model.ActionNotAllowedException;
import dev.cutover.orchestrator.model.CheckPhase;
import dev.cutover.orchestrator.model.CleanupPlan;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.Hold;
import dev.cutover.orchestrator.model.HoldKind;
import dev.cutover.orchestrator.model.OperatorAction;
import dev.cutover.orchestrator.model.Pipeline;
import dev.cutover.orchestrator.model.ProvisionerOperation;
import dev.cutover.orchestrator.model.RollbackPlan;
import dev.cutover.orchestrator.model.RollingPlan;
import dev.cutover.orchestrator.model.RunsOn;
import dev.cutover.orchestrator.model.SlotPlan;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.StageStatus;
import dev.cutover.orchestrator.model.TrafficPurpose;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.settings.RolloutSettings;
import dev.cutover.orchestrator.strategy.DeploymentStrategy;
import dev.cutover.orchestrator.strategy.Moves;
import dev.cutover.orchestrator.strategy.RollbackTrigger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.cutover.events.DeploymentStatus.AWAITING_APPROVAL;
import static dev.cutover.events.DeploymentStatus.CLEANING_UP;
import static dev.cutover.events.DeploymentStatus.FAILED;
import static dev.cutover.events.DeploymentStatus.PROGRESSING;
import static dev.cutover.events.DeploymentStatus.ROLLING_BACK;
import static dev.cutover.events.DeploymentStatus.SUCCEEDED;

/**
 * Rolling: the environment runs {@code infrastructure.instance-count} instances, one slot each, named by generation
 * ({@code a1..aN}, the next deployment {@code b1..bN}, then {@code a…} again). Instances are replaced one at a time,
 * so both limits hold: with {@code rolling.max-surge} ≥ 1 a new instance is provisioned, checked until healthy and
 * given its share of traffic (an old one set to 0 in the same shift), then that old one is drained and released;
 * with surge 0 and {@code rolling.max-unavailable} ≥ 1 an old one is taken out of traffic and released first, then
 * its replacement is provisioned, checked and given its share. Weights are equal across serving instances and sum
 * to 100.
 * <p>
 * A failure rolls back what was replaced, capacity first: when old instances were already released and the stable
 * version's artifact and environment are known ({@link Deployment#stableArtifact()}), each released old instance is
 * provisioned again with the stable version and checked until healthy (ROLLING_BACK, stage {@code restore}); only
 * then does one StartRollback (strategy {@code rolling}) have the rollback-service move all traffic back to the old
 * instances (equal weights) and release the new ones → ROLLED_BACK. If restoring fails, or the stable artifact is unknown (deployments recorded before it was kept),
 * traffic moves back to the old instances still running (if none is left: the new ones released → FAILED).
 */
public final class RollingStrategy implements DeploymentStrategy {

    /** A rolling slot is one instance; the environment's instance count is the number of slots. */
    private static final Integer ONE_INSTANCE = 1;

    @Override
    public String name() {
        return DeploymentStrategy.ROLLING;
    }

    /** Instances replaced one at a time: local processes, or a scale set's instances. */
    private static final RunsOn RUNS_ON = new RunsOn(List.of(Placement.PROCESS, Placement.SCALE_SET));

    @Override
    public RunsOn runsOn() {
        return RUNS_ON;
    }

    @Override
    public Transition begin(Moves m, Deployment d, Meta cause, Instant now, String reason) {
        RolloutSettings s = d.settings().rollout();
        String prefix = d.stableSlots().stream().anyMatch(x -> x.matches("a\\d+")) ? "b" : "a";
        RollingPlan plan = new RollingPlan(prefix, s.instanceCount(), s.maxSurge(), s.maxUnavailable(),
                d.stableSlots(), List.of(), null, null, Map.of(), List.of(), null, List.of());
        return next(m, d.edit().rolling(plan).build(), cause, now, reason + "; rolling " + s.instanceCount()
                + " instance(s), max-surge " + s.maxSurge() + ", max-unavailable " + s.maxUnavailable());
    }

    /**
     * The next move from a settled plan (no instance pending, no victim). With an approval gate
     * ({@code pipeline.approval-before-promote}) the first replaced instance is the test: once it serves its share,
     * the deployment waits AWAITING_APPROVAL with the next move planned, and approval makes it.
     */
    private Transition next(Moves m, Deployment d, Meta cause, Instant now, String why) {
        RollingPlan p = d.rolling();
        Transition move = move(m, d, cause, now, why);
        boolean gate = d.settings().rollout().approvalBeforePromote() && !d.approved() && p.newSlots().size() == 1
                && move.after().status() == PROGRESSING;
        if (!gate) {
            return move;
        }
        Deployment planned = move.after();
        String reason = why + "; instance " + p.newSlots().get(0) + " serves " + d.version() + ": waiting for approval"
                + " before replacing the other " + (p.total() - 1) + " (POST /deployments/" + d.id() + "/approve)";
        return m.hold(d.edit().rolling(planned.rolling()).build(), cause, now, AWAITING_APPROVAL,
                new Hold(HoldKind.APPROVAL, PROGRESSING, planned.stage(), reason, null), reason, StageStatus.SUCCEEDED);
    }

    private Transition move(Moves m, Deployment d, Meta cause, Instant now, String why) {
        RollingPlan p = d.rolling();
        if (p.newSlots().size() >= p.total() && p.oldSlots().isEmpty()) {
            return m.go(d, cause, now, StageStatus.SUCCEEDED, SUCCEEDED, null, why + "; all " + p.total()
                    + " instance(s) run " + d.version() + ": " + String.join(", ", p.newSlots()), b -> b);
        }
        if (p.newSlots().size() < p.total()
                && (p.surge() || p.oldSlots().size() + p.newSlots().size() < p.total())) {
            String slot = p.nextSlot();
            RollingPlan provisioning = p.with(p.oldSlots(), p.newSlots(), slot, null, p.urls(), List.of());
            return m.go(d, cause, now, StageStatus.SUCCEEDED, PROGRESSING, Stage.PROVISION,
                    why + "; provisioning instance " + slot, b -> b.rolling(provisioning));
        }
        String victim = p.oldSlots().get(0);
        RollingPlan out = p.with(p.oldSlots(), p.newSlots(), null, victim, p.urls(), List.of());
        if (out.serving().isEmpty()) {
            return m.go(d, cause, now, StageStatus.SUCCEEDED, PROGRESSING, Stage.RELEASE,
                    why + "; releasing " + victim + " (max-unavailable allows it)", b -> b.rolling(out));
        }
        return m.go(d, cause, now, StageStatus.SUCCEEDED, PROGRESSING, Stage.SWITCH,
                why + "; taking " + victim + " out of traffic", b -> b.rolling(out));
    }

    @Override
    public Transition on(Moves m, Deployment d, Event event, Instant now) {
        RollingPlan p = d.rolling();
        if (p == null) {
            return null;
        }
        Meta cause = event.meta();
        if (d.status() == ROLLING_BACK) {
            if (Stage.RESTORE.equals(d.stage())) {
                return restoring(m, d, event, now);
            }
            if (event instanceof RollbackCompleted r) {
                // the rollback-service moved all traffic back to the old instances and released the new ones
                RollingPlan back = p.with(p.oldSlots(), List.of(), null, null, p.urls(), List.of());
                String reason = d.reason() + (p.oldSlots().isEmpty() ? "" : "; serving: "
                        + String.join(", ", p.oldSlots()));
                DeploymentStatus endAs = d.rollbackPlan() == null ? DeploymentStatus.ROLLED_BACK
                        : d.rollbackPlan().endAs();
                return m.go(d, cause, now, StageStatus.SUCCEEDED, endAs, null, reason,
                        b -> b.rolling(back).weights(RollingPlan.equal(p.oldSlots()))
                                .rollback(new RollbackFigures(r.trafficRestoredMs(), r.durationMs())));
            }
            return null; // RollbackFailed: the engine's
        }
        if (d.status() == CLEANING_UP) {
            String slot = d.cleanup().slot();
            boolean released = event instanceof SlotReleased r && slot.equals(r.slot());
            boolean notReleased = event instanceof ProvisioningFailed f && ProvisionerOperation.RELEASE.is(f.operation())
                    && DeploymentStrategy.sameSlot(f.slot(), slot);
            if (!released && !notReleased) {
                return null;
            }
            List<String> rest = new ArrayList<>(p.toRelease());
            rest.remove(slot);
            String reason = d.cleanup().reason() + (notReleased ? "; instance " + slot + " not released: "
                    + ((ProvisioningFailed) event).reason() : "");
            Deployment after = d.edit().rolling(p.with(p.oldSlots(), p.newSlots(), null, null, p.urls(), rest))
                    .build();
            return cleanup(m, after, cause, now, reason, d.cleanup().outcome(),
                    notReleased ? StageStatus.FAILED : StageStatus.SUCCEEDED);
        }
        if (d.status() != PROGRESSING) {
            return null;
        }
        switch (d.stage()) {
            case Stage.PROVISION -> {
                if (event instanceof SlotProvisioned s && s.slot().equals(p.pending())) {
                    return m.go(d, cause, now, StageStatus.SUCCEEDED, PROGRESSING, Stage.VERIFY,
                            "instance " + s.slot() + " runs " + d.version() + " at " + s.instanceUrl(),
                            b -> b.rolling(p.withUrl(s.slot(), s.instanceUrl())).routerAdminUrl(s.routerAdminUrl())
                                    .routerUrl(s.routerUrl()));
                }
                if (event instanceof ProvisioningFailed f && ProvisionerOperation.PROVISION.is(f.operation())
                        && DeploymentStrategy.sameSlot(f.slot(), p.pending())) {
                    return fail(m, d, cause, now, "provisioning instance " + p.pending() + " failed: " + f.reason());
                }
            }
            case Stage.VERIFY -> {
                if (event instanceof HealthCheckCompleted h && CheckPhase.PRE_SWITCH.is(h.phase())
                        && h.slot().equals(p.pending())) {
                    if (!h.passed()) {
                        return fail(m, d, cause, now, "health check of instance " + p.pending() + " failed: "
                                + h.reason());
                    }
                    List<String> fresh = new ArrayList<>(p.newSlots());
                    fresh.add(p.pending());
                    String victim = !p.oldSlots().isEmpty() && p.oldSlots().size() + fresh.size() > p.total()
                            ? p.oldSlots().get(0) : null;
                    RollingPlan shifted = p.with(p.oldSlots(), fresh, null, victim, p.urls(), List.of());
                    return m.go(d, cause, now, StageStatus.SUCCEEDED, PROGRESSING, Stage.SWITCH,
                            "instance " + p.pending() + " healthy; giving it its share of traffic"
                                    + (victim == null ? "" : " and taking " + victim + " out"),
                            b -> b.rolling(shifted));
                }
            }
            case Stage.SWITCH -> {
                if (event instanceof TrafficShifted t && !TrafficPurpose.ROLLBACK.is(t.reason())
                        && nonZero(t.weights()).equals(nonZero(p.weights()))) {
                    Deployment shifted = d.edit().weights(t.weights()).routerUrl(t.routerUrl()).routerAdminUrl(t.routerAdminUrl())
                            .build();
                    if (p.victim() != null) {
                        return m.go(shifted, cause, now, StageStatus.SUCCEEDED, PROGRESSING, Stage.RELEASE,
                                "traffic " + t.weights() + "; draining and releasing " + p.victim(), b -> b);
                    }
                    return next(m, shifted, cause, now, "traffic " + t.weights());
                }
                if (event instanceof ProvisioningFailed f && ProvisionerOperation.SHIFT.is(f.operation())) {
                    return fail(m, d, cause, now, "shifting traffic failed: " + f.reason());
                }
            }
            case Stage.RELEASE -> {
                boolean released = event instanceof SlotReleased r && r.slot().equals(p.victim());
                boolean notReleased = event instanceof ProvisioningFailed f && ProvisionerOperation.RELEASE.is(f.operation())
                        && DeploymentStrategy.sameSlot(f.slot(), p.victim());
                if (released || notReleased) {
                    List<String> old = new ArrayList<>(p.oldSlots());
                    old.remove(p.victim());
                    RollingPlan after = p.with(old, p.newSlots(), null, null, p.urls(), List.of());
                    String why = notReleased ? "old instance " + p.victim() + " not released ("
                            + ((ProvisioningFailed) event).reason() + "); it keeps no traffic"
                            : "old instance " + p.victim() + " released";
                    return next(m, d.edit().rolling(after).build(), cause, now, why);
                }
            }
            default -> {
            }
        }
        return null;
    }

    private static Map<String, Integer> nonZero(Map<String, Integer> weights) {
        Map<String, Integer> w = new java.util.TreeMap<>();
        weights.forEach((k, v) -> {
            if (v != null && v > 0) {
                w.put(k, v);
            }
        });
        return w;
    }

    private Transition fail(Moves m, Deployment d, Meta cause, Instant now, String why) {
        return rollBackInstances(m, d, cause, now, why, DeploymentStatus.ROLLED_BACK, StageStatus.FAILED);
    }

    /**
     * Back to the old instances still running: all traffic on them, then every new instance released. No old
     * instance left: release the new ones, then FAILED.
     */
    private static Transition rollBackInstances(Moves m, Deployment d, Meta cause, Instant now, String why,
                               DeploymentStatus endAs, StageStatus outcome) {
        RollingPlan p = d.rolling();
        if (p == null) {
            // not configured yet: nothing was provisioned
            return m.go(d, cause, now, outcome, endAs == DeploymentStatus.ROLLED_BACK && outcome == StageStatus.FAILED
                    ? FAILED : endAs, null, why, b -> b);
        }
        List<String> release = new ArrayList<>(p.newSlots());
        if (p.pending() != null && d.status() != AWAITING_APPROVAL) { // held before provisioning it: nothing runs
            release.add(p.pending());
        }
        List<String> old = new ArrayList<>(p.oldSlots());
        if (p.victim() != null && Stage.RELEASE.equals(d.stage())) {
            old.remove(p.victim());
        }
        RollingPlan back = p.with(old, List.of(), null, null, p.urls(), release);
        List<String> missing = missing(d, back);
        if (outcome == StageStatus.FAILED && restorable(d) && !missing.isEmpty()) {
            RollbackPlan plan = new RollbackPlan(ROLLING, null, null, null, why, endAs);
            String slot = missing.get(0);
            return m.go(d, cause, now, outcome, ROLLING_BACK, Stage.RESTORE, why + "; restoring " + missing.size()
                            + " old instance(s) of " + d.stableVersion() + " before moving traffic back: provisioning "
                            + slot, b -> b.rolling(back.restore(slot, List.of())).rollbackPlan(plan));
        }
        return returnTo(m, d, back, cause, now, why, endAs, outcome);
    }

    /** All traffic to the old instances of {@code back} (then release its {@code toRelease}); none: release, FAILED. */
    private static Transition returnTo(Moves m, Deployment d, RollingPlan back, Meta cause,
                                       Instant now, String why, DeploymentStatus endAs, StageStatus outcome) {
        List<String> old = back.oldSlots();
        if (old.isEmpty()) {
            DeploymentStatus end = outcome == StageStatus.FAILED ? FAILED : endAs;
            return cleanup(m, d.edit().rolling(back).build(), cause, now,
                    why + (outcome == StageStatus.FAILED ? "; no old instance left to return to" : ""), end, outcome);
        }
        if (back.toRelease().isEmpty()) {
            // no new instance ever got traffic or still runs: the old ones serve as they are
            return cleanup(m, d.edit().rolling(back).build(), cause, now, why, endAs, outcome);
        }
        RollbackPlan plan = new RollbackPlan(ROLLING, null, null, null, why, endAs);
        return m.go(d, cause, now, outcome, ROLLING_BACK, Stage.ROLLBACK, why,
                b -> b.rolling(back).rollbackPlan(plan));
    }

    /** The stable version can be provisioned again: its version, artifact and environment are known. */
    private static boolean restorable(Deployment d) {
        return d.stableVersion() != null && d.stableArtifact() != null && d.stableEnvironment() != null
                && d.settings() != null;
    }

    /** Released old instances to provision again, in order, until the old instances are back at the plan's total. */
    private static List<String> missing(Deployment d, RollingPlan p) {
        List<String> out = new ArrayList<>();
        for (String s : d.stableSlots()) {
            if (p.oldSlots().size() + out.size() >= p.total()) {
                break;
            }
            if (!p.oldSlots().contains(s) && !p.toRelease().contains(s) && !p.newSlots().contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** ROLLING_BACK, stage restore: the old instance {@code restoring} is being provisioned, then checked. */
    private static Transition restoring(Moves m, Deployment d, Event event, Instant now) {
        RollingPlan p = d.rolling();
        String slot = p.restoring();
        if (slot == null) {
            return null;
        }
        Meta cause = event.meta();
        if (!p.urls().containsKey(slot)) {
            if (event instanceof SlotProvisioned s && slot.equals(s.slot())) {
                return m.go(d, cause, now, StageStatus.SUCCEEDED, ROLLING_BACK, Stage.RESTORE,
                        "old instance " + slot + " runs " + d.stableVersion() + " again at " + s.instanceUrl()
                                + "; checking it", b -> b.rolling(p.withUrl(slot, s.instanceUrl()))
                                .routerAdminUrl(s.routerAdminUrl()).routerUrl(s.routerUrl()));
            }
            if (event instanceof ProvisioningFailed f && ProvisionerOperation.PROVISION.is(f.operation())
                    && DeploymentStrategy.sameSlot(f.slot(), slot)) {
                return restoreFailed(m, d, cause, now, "provisioning old instance " + slot + " failed: "
                        + f.reason());
            }
            return null;
        }
        if (event instanceof HealthCheckCompleted h && CheckPhase.PRE_SWITCH.is(h.phase()) && slot.equals(h.slot())) {
            if (!h.passed()) {
                return restoreFailed(m, d, cause, now, "health check of old instance " + slot + " failed: "
                        + h.reason());
            }
            List<String> old = new ArrayList<>(p.oldSlots());
            old.add(slot);
            List<String> restored = new ArrayList<>(p.restored());
            restored.add(slot);
            RollingPlan after = p.with(old, p.newSlots(), null, null, p.urls(), p.toRelease()).restore(null, restored);
            List<String> missing = missing(d, after);
            if (!missing.isEmpty()) {
                String next = missing.get(0);
                return m.go(d, cause, now, StageStatus.SUCCEEDED, ROLLING_BACK, Stage.RESTORE,
                        "old instance " + slot + " healthy; provisioning old instance " + next,
                        b -> b.rolling(after.restore(next, restored)));
            }
            RollbackPlan plan = d.rollbackPlan();
            String why = (plan == null ? d.reason() : plan.reason()) + "; restored " + restored.size()
                    + " instance(s) of " + d.stableVersion() + " before moving traffic back";
            RollbackPlan updated = plan == null ? new RollbackPlan(ROLLING, null, null, null, why,
                    DeploymentStatus.ROLLED_BACK) : new RollbackPlan(plan.strategy(), plan.steps(),
                    plan.stepIntervalMs(), plan.stableHealthUrl(), why, plan.endAs());
            return m.go(d, cause, now, StageStatus.SUCCEEDED, ROLLING_BACK, Stage.ROLLBACK, why,
                    b -> b.rolling(after).rollbackPlan(updated));
        }
        return null;
    }

    /**
     * Restoring an old instance failed (provisioning, health check, timeout): fall back to the old instances running
     * now (restored ones included); an instance provisioned but not healthy is released with the new ones.
     */
    static Transition restoreFailed(Moves m, Deployment d, Meta cause, Instant now, String problem) {
        RollingPlan p = d.rolling();
        RollbackPlan plan = d.rollbackPlan();
        String slot = p.restoring();
        List<String> release = new ArrayList<>(p.toRelease());
        if (slot != null && p.urls().containsKey(slot) && !release.contains(slot)) {
            release.add(slot);
        }
        RollingPlan back = p.with(p.oldSlots(), p.newSlots(), null, null, p.urls(), release).restore(null,
                p.restored());
        String why = (plan == null ? d.reason() : plan.reason()) + "; capacity not restored (" + problem + ")"
                + (p.restored().isEmpty() ? "" : " after restoring " + String.join(", ", p.restored()))
                + ": moving traffic back to the " + back.oldSlots().size() + " old instance(s) running";
        DeploymentStatus endAs = plan == null ? DeploymentStatus.ROLLED_BACK : plan.endAs();
        return returnTo(m, d.edit().rolling(back).build(), back, cause, now, why, endAs, StageStatus.FAILED);
    }

    /** Releases {@code toRelease} one by one (CLEANING_UP), then ends as {@code endAs}. */
    static Transition cleanup(Moves m, Deployment d, Meta cause, Instant now, String reason,
                              DeploymentStatus endAs, StageStatus outcome) {
        RollingPlan p = d.rolling();
        if (p.toRelease().isEmpty()) {
            String end = endAs == DeploymentStatus.ROLLED_BACK || endAs == DeploymentStatus.SUPERSEDED
                    ? (p.oldSlots().isEmpty() ? reason : reason + "; serving: " + String.join(", ", p.oldSlots()))
                    : reason;
            return m.go(d, cause, now, outcome, endAs, null, end, b -> b);
        }
        String slot = p.toRelease().get(0);
        return m.go(d, cause, now, outcome, CLEANING_UP, Stage.CLEANUP, reason,
                b -> b.cleanup(new CleanupPlan(slot, endAs, reason)));
    }

    static Transition endCleanup(Moves m, Deployment d, Meta cause, Instant now, String problem) {
        RollingPlan p = d.rolling();
        List<String> rest = new ArrayList<>(p.toRelease());
        rest.remove(d.cleanup().slot());
        Deployment after = d.edit().rolling(p.with(p.oldSlots(), p.newSlots(), null, null, p.urls(), rest)).build();
        return cleanup(m, after, cause, now, d.cleanup().reason() + "; instance " + d.cleanup().slot()
                + " not released: " + problem, d.cleanup().outcome(), StageStatus.FAILED);
    }

    @Override
    public Command commandFor(Deployment d, Meta meta) {
        RollingPlan p = d.rolling();
        if (p == null) {
            return null;
        }
        if (d.status() == CLEANING_UP) {
            return new ReleaseSlot(meta, d.target(), d.cleanup().slot(),
                    (d.cleanup().succeeds() ? TrafficPurpose.CLEANUP : TrafficPurpose.ROLLBACK).wire(),
                    d.settings().placement());
        }
        if (d.status() == ROLLING_BACK) {
            if (Stage.RESTORE.equals(d.stage()) && p.restoring() != null) {
                String slot = p.restoring();
                String url = p.urls().get(slot);
                return url == null
                        ? new ProvisionSlot(meta, d.target(), slot, d.stableVersion(), d.stableArtifact(),
                        d.stableEnvironment(), d.settings().routerPort(), d.settings().security(),
                        d.settings().placement(), ONE_INSTANCE).withCommand(d.settings().command())
                        : new RunHealthCheck(meta, d.target(), slot, url, CheckPhase.PRE_SWITCH.wire(), CheckMode.UNTIL_HEALTHY,
                        d.settings().health().untilHealthySpec());
            }
            // one StartRollback: the rollback-service moves all traffic back to the old instances, then releases
            // the new ones (capacity was restored first, in stage restore)
            RollbackPlan plan = d.rollbackPlan();
            return new StartRollback(meta, d.target(), p.oldSlots().get(0), p.toRelease().get(0), ROLLING,
                    plan == null ? d.reason() : plan.reason(), null, null, null, p.oldSlots(), p.toRelease(),
                    d.settings().placement());
        }
        if (d.status() != PROGRESSING) {
            return null;
        }
        return switch (Objects.requireNonNull(d.stage())) {
            case Stage.PROVISION -> new ProvisionSlot(meta, d.target(), p.pending(), d.version(), d.artifact(),
                    d.settings().environment(), d.settings().routerPort(), d.settings().security(),
                    d.settings().placement(), ONE_INSTANCE, d.sha256()).withCommand(d.settings().command());
            case Stage.VERIFY -> new RunHealthCheck(meta, d.target(), p.pending(), p.urls().get(p.pending()),
                    CheckPhase.PRE_SWITCH.wire(), CheckMode.UNTIL_HEALTHY, d.settings().health().untilHealthySpec());
            case Stage.SWITCH -> new ShiftTraffic(meta, d.target(), p.weights(), TrafficPurpose.ROLLING.wire(),
                    d.settings().security(), d.settings().placement());
            case Stage.RELEASE -> new ReleaseSlot(meta, d.target(), p.victim(), TrafficPurpose.ROLLING.wire(),
                    d.settings().placement());
            default -> null;
        };
    }

    @Override
    public Transition timedOut(Moves m, Deployment d, Instant now, String reason) {
        if (d.rolling() == null) {
            return null;
        }
        return switch (d.status()) {
            case PROGRESSING -> fail(m, d, null, now, reason);
            case CLEANING_UP -> endCleanup(m, d, null, now, reason);
            case ROLLING_BACK -> Stage.RESTORE.equals(d.stage()) ? restoreFailed(m, d, null, now, reason) : null;
            default -> null;
        };
    }

    /** Rolling undoes instance by instance, capacity first (see the class comment); not through a slot pair. */
    @Override
    public Transition rollBack(Moves m, Deployment d, Meta cause, Instant now, String why, RollbackTrigger trigger) {
        if (d.rolling() == null && d.status() != PROGRESSING) {
            return m.rollBackToStable(d, cause, now, why, trigger);
        }
        DeploymentStatus endAs = switch (trigger) {
            case SUPERSEDE -> DeploymentStatus.SUPERSEDED;
            case FAILURE, OPERATOR, ABORT -> DeploymentStatus.ROLLED_BACK;
        };
        return rollBackInstances(m, d, cause, now, why, endAs,
                trigger == RollbackTrigger.FAILURE ? StageStatus.FAILED : StageStatus.INTERRUPTED);
    }

    /** Instances get their slots as they are replaced ({@link RollingPlan}); the deployment has no single slot. */
    @Override
    public Deployment planned(Deployment d, SlotPlan plan) {
        return DeploymentStrategy.super.planned(d, plan).edit().slot(null).build();
    }

    /** Every instance's provision, check, shift and release deploys; its cleanup only ever follows a rollback. */
    @Override
    public Pipeline pipelineStage(Deployment d, String stage) {
        return switch (stage) {
            case Stage.PROVISION, Stage.SWITCH -> Pipeline.DEPLOY;
            case Stage.CLEANUP -> Pipeline.ROLLBACK;
            default -> DeploymentStrategy.super.pipelineStage(d, stage);
        };
    }

    @Override
    public Transition promote(Moves m, Deployment d, Instant now, String reason) {
        throw ActionNotAllowedException.of(d, OperatorAction.Kind.PROMOTE,
                "a rolling deployment has no steps to skip (it needs every instance replaced)");
    }
}
