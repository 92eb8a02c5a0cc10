package dev.cutover.orchestrator.strategy.rolling;

import dev.cutover.events.Command;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Event;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.orchestrator.engine.DeploymentStateMachine;
import dev.cutover.orchestrator.model.CheckPhase;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.FailureAction;
import dev.cutover.orchestrator.model.FailureRecord;
import dev.cutover.orchestrator.model.FailureType;
import dev.cutover.orchestrator.model.HoldKind;
import dev.cutover.orchestrator.model.OperatorAction;
import dev.cutover.orchestrator.model.Pipeline;
import dev.cutover.orchestrator.model.SlotPlan;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.strategy.canary.CanaryStrategyTest;
import dev.cutover.orchestrator.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static dev.cutover.events.DeploymentStatus.FAILED;
import static dev.cutover.events.DeploymentStatus.PROGRESSING;
import static dev.cutover.events.DeploymentStatus.ROLLED_BACK;
import static dev.cutover.events.DeploymentStatus.ROLLING_BACK;
import static dev.cutover.events.DeploymentStatus.SUCCEEDED;
import static dev.cutover.orchestrator.testing.Fixtures.T0;
import static dev.cutover.orchestrator.testing.Fixtures.TARGET;
import static dev.cutover.orchestrator.testing.Fixtures.meta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rolling: command sequences for both limits, weight sums, failure mid-way. */
public class RollingStrategyTest {

    public static final DeploymentStateMachine SM = CanaryStrategyTest.SM;

    /** A rolling deployment over {@code old} (empty: first deployment), configured. */
    public static Transition configured(List<String> old, int n, int surge, int unavailable, Object... more) {
        SlotPlan plan = old.isEmpty() ? SlotPlan.after(null) : new SlotPlan("blue", old.get(0), "1.0.0", null, old);
        Deployment d = SM.accept(Fixtures.ID, "c-1", new DeploymentRequest("shop", "staging", "2.0.0", "a.jar",
                "rolling", Map.of()), plan, null, T0).after();
        d = SM.start(d, T0).after();
        List<Object> kv = new ArrayList<>(List.of("infrastructure.instance-count", n, "rolling.max-surge", surge,
                "rolling.max-unavailable", unavailable));
        kv.addAll(List.of(more));
        return Fixtures.configured(SM, d, Fixtures.configResolved(CanaryStrategyTest.config(kv.toArray())));
    }

    /** Plays a perfect provisioner and health monitor (but for {@code failHealthOf}); every command, as text. */
    public static List<String> play(Transition t, List<Deployment> end, String failHealthOf) {
        List<Command> commands = new ArrayList<>();
        end.add(run(t, failHealthOf == null ? Set.of() : Set.of(failHealthOf), Set.of(), commands, d -> false));
        return described(commands);
    }

    public static String describe(Command c) {
        if (c instanceof ProvisionSlot p) {
            return "provision " + p.slot();
        }
        if (c instanceof RunHealthCheck h) {
            return "check " + h.slot();
        }
        if (c instanceof ShiftTraffic s) {
            return "shift " + new java.util.TreeMap<>(s.weights()) + " " + s.reason();
        }
        if (c instanceof ReleaseSlot r) {
            return "release " + r.slot();
        }
        if (c instanceof StartRollback r) {
            return "rollback " + r.strategy() + " to " + r.allStableSlots() + " releasing " + r.allFailedSlots();
        }
        return c.toString();
    }

    @Test
    void surgeOneUnavailableZeroAddsBeforeItRemoves() {
        List<Deployment> end = new ArrayList<>();
        List<String> log = play(configured(List.of("a1", "a2", "a3"), 3, 1, 0), end, null);
        assertEquals(List.of(
                "provision b1", "check b1", "shift {a1=0, a2=34, a3=33, b1=33} rolling", "release a1",
                "provision b2", "check b2", "shift {a2=0, a3=34, b1=33, b2=33} rolling", "release a2",
                "provision b3", "check b3", "shift {a3=0, b1=34, b2=33, b3=33} rolling", "release a3"), log);
        assertEquals(SUCCEEDED, end.get(0).status());
        assertEquals(List.of("b1", "b2", "b3"), end.get(0).servingSlots());
        assertEquals(List.of("b1", "b2", "b3"), SlotPlan.after(end.get(0)).stableSlots());
    }

    @Test
    void anApprovalGateHoldsAfterTheFirstReplacedInstanceUntilApproved() {
        List<Deployment> end = new ArrayList<>();
        List<String> log = play(configured(List.of("a1", "a2", "a3"), 3, 1, 0,
                "pipeline.approval-before-promote", true), end, null);
        assertEquals(List.of("provision b1", "check b1", "shift {a1=0, a2=34, a3=33, b1=33} rolling", "release a1"), log);
        Deployment waiting = end.get(0);
        assertEquals(DeploymentStatus.AWAITING_APPROVAL, waiting.status());
        assertEquals(Stage.APPROVAL, waiting.stage());
        assertEquals(HoldKind.APPROVAL, waiting.hold().kind());
        // b1 serves the new version; the other two are still to be replaced
        assertEquals(List.of("b1"), waiting.rolling().newSlots());
        assertEquals(List.of("a2", "a3"), waiting.rolling().oldSlots());
        assertEquals(Map.of("a2", 34, "a3", 33, "b1", 33), new java.util.TreeMap<>(nonZero(waiting.weights())));

        Transition approved = SM.act(waiting, OperatorAction.Kind.APPROVE, "alice", "b1 looks good", T0);
        assertEquals(PROGRESSING, approved.after().status());
        List<String> rest = play(approved, end, null);
        assertEquals(List.of("provision b2", "check b2", "shift {a2=0, a3=34, b1=33, b2=33} rolling", "release a2",
                "provision b3", "check b3", "shift {a3=0, b1=34, b2=33, b3=33} rolling", "release a3"), rest);
        assertEquals(SUCCEEDED, end.get(1).status());
    }

    @Test
    void anApprovalThatNeverComesRollsTheFirstInstanceBack() {
        List<Deployment> end = new ArrayList<>();
        play(configured(List.of("a1", "a2", "a3"), 3, 1, 0, "pipeline.approval-before-promote", true,
                "pipeline.approval-timeout-ms", 1000), end, null);
        Deployment waiting = end.get(0);
        Transition timedOut = SM.tick(waiting, waiting.currentStage().deadline());
        assertEquals(ROLLING_BACK, timedOut.after().status(), timedOut.after().reason());
        assertFailure(timedOut.after(), FailureType.TIMEOUT, Stage.APPROVAL, FailureAction.ROLLBACK);
        StartRollback back = assertInstanceOf(StartRollback.class, CanaryStrategyTest.command(timedOut));
        assertEquals("rolling", back.strategy());
        assertEquals(List.of("a2", "a3"), back.allStableSlots());
        assertEquals(List.of("b1"), back.allFailedSlots(), "b2 was planned, never provisioned");
    }

    private static void assertFailure(Deployment d, FailureType type, String stage, FailureAction action) {
        FailureRecord f = d.lastFailure();
        assertEquals(List.of(type, stage, action), List.of(f.type(), f.stage(), f.action()), d.reason());
    }

    private static Map<String, Integer> nonZero(Map<String, Integer> weights) {
        Map<String, Integer> w = new java.util.HashMap<>(weights);
        w.values().removeIf(v -> v == 0);
        return w;
    }

    @Test
    void surgeZeroUnavailableOneRemovesBeforeItAdds() {
        List<Deployment> end = new ArrayList<>();
        List<String> log = play(configured(List.of("b1", "b2", "b3"), 3, 0, 1), end, null);
        assertEquals(List.of(
                "shift {b1=0, b2=50, b3=50} rolling", "release b1", "provision a1", "check a1",
                "shift {a1=33, b2=34, b3=33} rolling",
                "shift {a1=50, b2=0, b3=50} rolling", "release b2", "provision a2", "check a2",
                "shift {a1=33, a2=33, b3=34} rolling",
                "shift {a1=50, a2=50, b3=0} rolling", "release b3", "provision a3", "check a3",
                "shift {a1=34, a2=33, a3=33} rolling"), log);
        assertEquals(SUCCEEDED, end.get(0).status());
    }

    @Test
    void firstDeploymentProvisionsEveryInstance() {
        List<Deployment> end = new ArrayList<>();
        List<String> log = play(configured(List.of(), 3, 1, 0), end, null);
        assertEquals(List.of("provision a1", "check a1", "shift {a1=100} rolling",
                "provision a2", "check a2", "shift {a1=50, a2=50} rolling",
                "provision a3", "check a3", "shift {a1=34, a2=33, a3=33} rolling"), log);
        assertEquals(SUCCEEDED, end.get(0).status());
    }

    @Test
    void failureMidWayReturnsTrafficToTheOldInstancesAndReleasesTheNewOnes() {
        List<Deployment> end = new ArrayList<>();
        List<String> log = play(configured(List.of("a1", "a2", "a3"), 3, 1, 0), end, "b2");
        assertEquals(List.of(
                "provision b1", "check b1", "shift {a1=0, a2=34, a3=33, b1=33} rolling", "release a1",
                "provision b2", "check b2",
                "rollback rolling to [a2, a3] releasing [b1, b2]"), log);
        Deployment d = end.get(0);
        assertEquals(ROLLED_BACK, d.status());
        assertFailure(d, FailureType.APPLICATION_FAILURE, Stage.VERIFY, FailureAction.ROLLBACK);
        assertEquals(List.of("a2", "a3"), d.servingSlots());
    }

    @Test
    void failureWithNoOldInstanceLeftFails() {
        List<Deployment> end = new ArrayList<>();
        List<String> log = play(configured(List.of(), 2, 1, 0), end, "a2");
        assertEquals(List.of("provision a1", "check a1", "shift {a1=100} rolling", "provision a2", "check a2",
                "release a1", "release a2"), log);
        assertEquals(FAILED, end.get(0).status());
        assertEquals(List.of(), end.get(0).rolling().oldSlots(), "no old instance left");
        assertFailure(end.get(0), FailureType.APPLICATION_FAILURE, Stage.VERIFY, FailureAction.RELEASE);
    }

    @Test
    void abortAndPauseResume() {
        Transition t = configured(List.of("a1", "a2"), 2, 1, 0);
        Deployment d = t.after();
        assertEquals(PROGRESSING, d.status());
        Deployment paused = SM.act(d, OperatorAction.Kind.PAUSE, null, null, T0).after();
        assertEquals(DeploymentStatus.PAUSED, paused.status());
        Transition resumed = SM.act(paused, OperatorAction.Kind.RESUME, null, null, T0);
        assertEquals("provision b1", describe(CanaryStrategyTest.command(resumed)));
        Transition aborted = SM.act(d, OperatorAction.Kind.ABORT, null, null, T0);
        assertEquals(ROLLING_BACK, aborted.after().status());
        assertEquals("rollback rolling to [a1, a2] releasing [b1]", describe(CanaryStrategyTest.command(aborted)));
        Deployment back = SM.on(aborted.after(), new RollbackCompleted(meta(), TARGET, "a1", 30, 90), T0).after();
        assertEquals(ROLLED_BACK, back.status());
        assertEquals(Map.of("a1", 50, "a2", 50), back.weights());
        assertEquals(List.of("a1", "a2"), back.servingSlots());
        assertEquals(30, back.rollback().trafficRestoredMs());
    }

    @Test
    void bothLimitsZeroIsAnInvalidConfiguration() {
        Transition t = configured(List.of("a1"), 1, 0, 0);
        assertEquals(FAILED, t.after().status());
        assertFailure(t.after(), FailureType.CONFIGURATION_ERROR, Stage.CONFIG, FailureAction.STOP);
        // the one wording check here: the operator is told which settings to fix
        assertTrue(t.after().reason().contains("rolling.max-surge and rolling.max-unavailable cannot both be 0"));
    }

    // ---- capacity-safe rollback: released old instances are provisioned again before traffic moves back --------

    public static final Map<String, String> STABLE_ENV = Map.of("GREETING", "hello from 1.0.0");

    /** As {@link #configured}, over a stable version whose artifact and environment are known. */
    public static Transition configuredWithStable(List<String> old, int n, int surge, int unavailable) {
        SlotPlan plan = new SlotPlan("blue", old.get(0), "1.0.0", null, old, "app-1.0.0.jar", STABLE_ENV);
        Deployment d = SM.accept(Fixtures.ID, "c-1", new DeploymentRequest("shop", "staging", "2.0.0", "a.jar",
                "rolling", Map.of()), plan, null, T0).after();
        d = SM.start(d, T0).after();
        return Fixtures.configured(SM, d, Fixtures.configResolved(CanaryStrategyTest.config("infrastructure.instance-count", n,
                "rolling.max-surge", surge, "rolling.max-unavailable", unavailable)));
    }

    /**
     * Plays the agents: health checks of {@code failHealth} fail, provisioning {@code failProvision} fails (each
     * once). Every command goes to {@code commands}; stops before the reply when {@code stop} holds.
     */
    public static Deployment run(Transition t, Set<String> failHealth, Set<String> failProvision, List<Command> commands,
                          Predicate<Deployment> stop) {
        Deployment d = t.after();
        Command c = CanaryStrategyTest.command(t);
        Set<String> provisionFailures = new java.util.HashSet<>(failProvision);
        Set<String> healthFailures = new java.util.HashSet<>(failHealth);
        for (int i = 0; i < 60 && c != null && !stop.test(d); i++) {
            commands.add(c);
            Event reply;
            if (c instanceof ProvisionSlot p) {
                reply = provisionFailures.remove(p.slot())
                        ? new ProvisioningFailed(meta(), TARGET, p.slot(), "provision", "container exited")
                        : new SlotProvisioned(meta(), TARGET, p.slot(), p.version(),
                        "http://127.0.0.1:" + (41000 + Math.abs(p.slot().hashCode() % 100)), "i-" + p.slot());
            } else if (c instanceof RunHealthCheck h) {
                boolean fails = healthFailures.remove(h.slot());
                reply = new HealthCheckCompleted(meta(), TARGET, h.slot(), h.phase(), !fails, fails ? "500" : null, 3,
                        List.of());
            } else if (c instanceof ShiftTraffic s) {
                assertEquals(100, s.weights().values().stream().mapToInt(Integer::intValue).sum(), s.toString());
                reply = new TrafficShifted(meta(), TARGET, s.weights(), "http://127.0.0.1:18080", s.reason());
            } else if (c instanceof ReleaseSlot r) {
                reply = new SlotReleased(meta(), TARGET, r.slot(), r.reason());
            } else if (c instanceof StartRollback r) {
                // the rollback-service: traffic back to the stable slots, failed ones released
                reply = new RollbackCompleted(meta(), TARGET, r.stableSlot(), 10, 20);
            } else {
                throw new IllegalStateException("unexpected " + c);
            }
            Transition next = SM.on(d, reply, T0);
            d = next.after();
            List<Command> cs = CanaryStrategyTest.commands(next);
            c = cs.isEmpty() ? null : cs.get(0);
        }
        return d;
    }

    public static List<String> described(List<Command> commands) {
        return commands.stream().map(RollingStrategyTest::describe).toList();
    }

    public static final List<String> UP_TO_THIRD_CHECK = List.of(
            "provision b1", "check b1", "shift {a1=0, a2=34, a3=33, b1=33} rolling", "release a1",
            "provision b2", "check b2", "shift {a2=0, a3=34, b1=33, b2=33} rolling", "release a2",
            "provision b3", "check b3");

    public static List<String> upToThirdCheckThen(String... rest) {
        List<String> all = new ArrayList<>(UP_TO_THIRD_CHECK);
        all.addAll(List.of(rest));
        return all;
    }

    @Test
    void failureAfterReleasingOldInstancesRestoresThemBeforeMovingTrafficBack() {
        List<Command> commands = new ArrayList<>();
        Deployment d = run(configuredWithStable(List.of("a1", "a2", "a3"), 3, 1, 0), Set.of("b3"), Set.of(), commands,
                x -> false);
        assertEquals(upToThirdCheckThen(
                "provision a1", "check a1", "provision a2", "check a2",
                "rollback rolling to [a3, a1, a2] releasing [b1, b2, b3]"), described(commands));
        // the old instances come back with the stable version, its artifact and its environment
        List<ProvisionSlot> restores = commands.stream().filter(c -> c instanceof ProvisionSlot p
                && p.slot().startsWith("a")).map(c -> (ProvisionSlot) c).toList();
        assertEquals(2, restores.size());
        for (ProvisionSlot p : restores) {
            assertEquals("1.0.0", p.version());
            assertEquals("app-1.0.0.jar", p.artifact());
            assertEquals(STABLE_ENV, p.environment());
            assertEquals(18080, p.routerPort());
        }
        // the health checks of restored instances are pre-switch, until healthy, at their recorded url
        commands.stream().filter(c -> c instanceof RunHealthCheck h && h.slot().startsWith("a"))
                .map(c -> (RunHealthCheck) c).forEach(h -> {
                    assertEquals(CheckPhase.PRE_SWITCH.wire(), h.phase());
                    assertEquals(dev.cutover.events.HealthMonitorCommand.CheckMode.UNTIL_HEALTHY, h.mode());
                    assertEquals("http://127.0.0.1:" + (41000 + Math.abs(h.slot().hashCode() % 100)), h.baseUrl());
                });
        assertEquals(ROLLED_BACK, d.status());
        assertEquals(1, d.failures().size(), "the restore itself did not fail");
        assertFailure(d, FailureType.APPLICATION_FAILURE, Stage.VERIFY, FailureAction.ROLLBACK);
        assertEquals(List.of("a1", "a2"), d.rolling().restored());
        assertEquals(Set.of("a1", "a2", "a3"), Set.copyOf(d.servingSlots()));
        assertTrue(d.stages().stream().anyMatch(s -> Stage.RESTORE.equals(s.name())
                && Pipeline.ROLLBACK.equals(s.pipeline())));
        // the next deployment still knows the stable version's artifact and environment
        SlotPlan next = SlotPlan.after(d);
        assertEquals("1.0.0", next.stableVersion());
        assertEquals("app-1.0.0.jar", next.stableArtifact());
        assertEquals(STABLE_ENV, next.stableEnvironment());
    }

    @Test
    void restoredHealthCheckFailingFallsBackToTheOldInstancesRunning() {
        List<Command> commands = new ArrayList<>();
        Deployment d = run(configuredWithStable(List.of("a1", "a2", "a3"), 3, 1, 0), Set.of("b3", "a2"), Set.of(),
                commands, x -> false);
        assertEquals(upToThirdCheckThen(
                "provision a1", "check a1", "provision a2", "check a2",
                "rollback rolling to [a3, a1] releasing [b1, b2, b3, a2]"), described(commands));
        assertEquals(ROLLED_BACK, d.status());
        // capacity not restored: a2's check failed after a1 was restored
        assertFailure(d, FailureType.APPLICATION_FAILURE, Stage.RESTORE, FailureAction.ROLLBACK);
        assertEquals(List.of("a1"), d.rolling().restored());
        assertEquals(Set.of("a1", "a3"), Set.copyOf(d.servingSlots()));
    }

    @Test
    void restoreProvisioningFailingFallsBackToTheOldInstancesRunning() {
        List<Command> commands = new ArrayList<>();
        Deployment d = run(configuredWithStable(List.of("a1", "a2", "a3"), 3, 1, 0), Set.of("b3"), Set.of("a1"),
                commands, x -> false);
        assertEquals(upToThirdCheckThen(
                "provision a1",
                "rollback rolling to [a3] releasing [b1, b2, b3]"), described(commands));
        assertEquals(ROLLED_BACK, d.status());
        // capacity not restored: provisioning a1 again failed
        assertFailure(d, FailureType.INFRASTRUCTURE_FAILURE, Stage.RESTORE, FailureAction.ROLLBACK);
        assertEquals(List.of(), d.rolling().restored());
        assertEquals(List.of("a3"), d.servingSlots());
    }

    @Test
    void restoreTimingOutFallsBack() {
        Deployment restoring = run(configuredWithStable(List.of("a1", "a2", "a3"), 3, 1, 0), Set.of("b3"), Set.of(),
                new ArrayList<>(), x -> Stage.RESTORE.equals(x.stage()));
        assertEquals(ROLLING_BACK, restoring.status());
        assertTrue(restoring.currentStage().deadline() != null);
        Transition t = SM.tick(restoring, restoring.currentStage().deadline());
        assertEquals(ROLLING_BACK, t.after().status());
        assertEquals(Stage.ROLLBACK, t.after().stage());
        assertEquals("rollback rolling to [a3] releasing [b1, b2, b3]", describe(CanaryStrategyTest.command(t)));
        assertFailure(t.after(), FailureType.TIMEOUT, Stage.RESTORE, FailureAction.ROLLBACK);
    }

    @Test
    void commandForReissuesTheRestoreStepAfterARestart() {
        Deployment provisioning = run(configuredWithStable(List.of("a1", "a2", "a3"), 3, 1, 0), Set.of("b3"),
                Set.of(), new ArrayList<>(), x -> Stage.RESTORE.equals(x.stage()));
        Deployment reloaded = dev.cutover.orchestrator.store.SnapshotCodec.decode(
                dev.cutover.orchestrator.store.SnapshotCodec.encode(provisioning));
        assertEquals(provisioning, reloaded);
        Command again = SM.reissue(reloaded, T0).stream().map(Command.class::cast).findFirst().orElseThrow();
        ProvisionSlot p = (ProvisionSlot) again;
        assertEquals("a1", p.slot());
        assertEquals("1.0.0", p.version());
        assertEquals("app-1.0.0.jar", p.artifact());
        assertEquals(STABLE_ENV, p.environment());

        Deployment checking = SM.on(reloaded, new SlotProvisioned(meta(), TARGET, "a1", "1.0.0",
                "http://127.0.0.1:41001", "i-a1"), T0).after();
        assertEquals(Stage.RESTORE, checking.stage());
        Deployment reloaded2 = dev.cutover.orchestrator.store.SnapshotCodec.decode(
                dev.cutover.orchestrator.store.SnapshotCodec.encode(checking));
        RunHealthCheck h = (RunHealthCheck) SM.reissue(reloaded2, T0).get(0);
        assertEquals("a1", h.slot());
        assertEquals("http://127.0.0.1:41001", h.baseUrl());
        assertEquals(CheckPhase.PRE_SWITCH.wire(), h.phase());

        // once a1 is healthy the next released instance is provisioned
        Transition healthy = SM.on(reloaded2, new HealthCheckCompleted(meta(), TARGET, "a1",
                CheckPhase.PRE_SWITCH.wire(), true, null, 3, List.of()), T0);
        assertEquals("provision a2", describe(CanaryStrategyTest.command(healthy)));
        assertEquals(List.of("a1"), healthy.after().rolling().restored());
    }

    @Test
    void unknownStableArtifactMovesTrafficBackToTheOldInstancesRunning() {
        List<Command> commands = new ArrayList<>();
        Deployment d = run(configured(List.of("a1", "a2", "a3"), 3, 1, 0), Set.of("b3"), Set.of(), commands,
                x -> false);
        assertEquals(upToThirdCheckThen(
                "rollback rolling to [a3] releasing [b1, b2, b3]"), described(commands));
        assertEquals(ROLLED_BACK, d.status());
    }

    @Test
    void abortDoesNotRestore() {
        Deployment mid = run(configuredWithStable(List.of("a1", "a2", "a3"), 3, 1, 0), Set.of(), Set.of(),
                new ArrayList<>(), x -> x.rolling() != null && x.rolling().oldSlots().size() == 1
                        && "b3".equals(x.rolling().pending()));
        Transition aborted = SM.act(mid, OperatorAction.Kind.ABORT, null, null, T0);
        assertEquals(Stage.ROLLBACK, aborted.after().stage());
        assertInstanceOf(StartRollback.class, CanaryStrategyTest.command(aborted));
    }

    @Test
    void successfulRollingDeploymentHandsItsArtifactAndEnvironmentToTheNext() {
        Deployment d = run(configured(List.of("a1", "a2", "a3"), 3, 1, 0), Set.of(), Set.of(), new ArrayList<>(),
                x -> false);
        assertEquals(SUCCEEDED, d.status());
        SlotPlan next = SlotPlan.after(d);
        assertEquals("2.0.0", next.stableVersion());
        assertEquals("a.jar", next.stableArtifact());
        assertEquals(d.settings().environment(), next.stableEnvironment());
        assertTrue(!next.stableEnvironment().isEmpty());
    }

    @Test
    void snapshotWithoutTheStableArtifactFieldsLoadsAndRollsBackAsBefore() throws Exception {
        Deployment mid = run(configuredWithStable(List.of("a1", "a2", "a3"), 3, 1, 0), Set.of(), Set.of(),
                new ArrayList<>(), x -> x.rolling() != null && "b3".equals(x.rolling().pending())
                        && Stage.VERIFY.equals(x.stage()));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(dev.cutover.orchestrator.store.SnapshotCodec.encode(mid));
        assertTrue(tree.has("stableArtifact") && tree.has("stableEnvironment"));
        tree.remove(List.of("stableArtifact", "stableEnvironment"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("rolling")).remove(List.of("restoring", "restored"));
        Deployment old = dev.cutover.orchestrator.store.SnapshotCodec.decode(json.writeValueAsBytes(tree));
        assertNull(old.stableArtifact());
        assertNull(old.stableEnvironment());
        assertEquals(List.of(), old.rolling().restored());
        assertEquals(mid.rolling().oldSlots(), old.rolling().oldSlots());
        Transition failed = SM.on(old, new HealthCheckCompleted(meta(), TARGET, "b3",
                CheckPhase.PRE_SWITCH.wire(), false, "500", 3, List.of()), T0);
        assertEquals(ROLLING_BACK, failed.after().status());
        assertEquals("rollback rolling to [a3] releasing [b1, b2, b3]", describe(CanaryStrategyTest.command(failed)));
    }
}
