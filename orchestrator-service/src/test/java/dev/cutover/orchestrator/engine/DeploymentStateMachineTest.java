package dev.cutover.orchestrator.engine;

import dev.cutover.events.Command;
import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.DeploymentEvent.DeploymentAccepted;
import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Event;
import dev.cutover.events.HealthMonitorCommand.CheckMode;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.Message;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.PlanInfrastructure;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.FailureAction;
import dev.cutover.orchestrator.model.FailureType;
import dev.cutover.orchestrator.model.RollbackFigures;
import dev.cutover.orchestrator.model.SlotPlan;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.StageStatus;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.settings.StageTimeouts;
import dev.cutover.orchestrator.strategy.Strategies;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.orchestrator.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.cutover.events.DeploymentStatus.CLEANING_UP;
import static dev.cutover.events.DeploymentStatus.CONFIGURING;
import static dev.cutover.events.DeploymentStatus.FAILED;
import static dev.cutover.events.DeploymentStatus.MONITORING;
import static dev.cutover.events.DeploymentStatus.PENDING;
import static dev.cutover.events.DeploymentStatus.PROVISIONING;
import static dev.cutover.events.DeploymentStatus.ROLLED_BACK;
import static dev.cutover.events.DeploymentStatus.ROLLING_BACK;
import static dev.cutover.events.DeploymentStatus.SUCCEEDED;
import static dev.cutover.events.DeploymentStatus.SWITCHING;
import static dev.cutover.events.DeploymentStatus.VERIFYING;
import static dev.cutover.orchestrator.testing.Fixtures.T0;
import static dev.cutover.orchestrator.testing.Fixtures.URL;
import static dev.cutover.orchestrator.testing.Fixtures.configRejected;
import static dev.cutover.orchestrator.testing.Fixtures.configResolved;
import static dev.cutover.orchestrator.testing.Fixtures.health;
import static dev.cutover.orchestrator.testing.Fixtures.provisioned;
import static dev.cutover.orchestrator.testing.Fixtures.provisioningFailed;
import static dev.cutover.orchestrator.testing.Fixtures.released;
import static dev.cutover.orchestrator.testing.Fixtures.noChanges;
import static dev.cutover.orchestrator.testing.Fixtures.planned;
import static dev.cutover.orchestrator.testing.Fixtures.rollbackCompleted;
import static dev.cutover.orchestrator.testing.Fixtures.rollbackFailed;
import static dev.cutover.orchestrator.testing.Fixtures.shifted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeploymentStateMachineTest {

    private static final DeploymentStateMachine SM = new DeploymentStateMachine(StageTimeouts.DEFAULTS, Strategies.ALL);

    /** Deployment over a stable blue (new = green), or the target's first (new = blue). */
    private static Supplier<Deployment> at(DeploymentStatus status) {
        return () -> Fixtures.in(SM, status, false);
    }

    /** Configuration resolved: PROVISIONING in stage plan. */
    private static Supplier<Deployment> planning() {
        return () -> SM.on(Fixtures.in(SM, CONFIGURING, false), configResolved(), T0).after();
    }

    private static Supplier<Deployment> firstAt(DeploymentStatus status) {
        return () -> Fixtures.in(SM, status, true);
    }

    /** A failure before the switch: green being released, then FAILED. */
    private static Supplier<Deployment> abortingGreen() {
        return () -> SM.on(Fixtures.in(SM, VERIFYING, false), health("pre-switch", "green", false), T0).after();
    }

    // ---- transitions ---------------------------------------------------------------------------------------

    static Stream<Arguments> transitions() {
        return Stream.of(
                row("config resolved -> plan the target's infrastructure", at(CONFIGURING), configResolved(),
                        PROVISIONING, PlanInfrastructure.class, c -> {
                            PlanInfrastructure p = (PlanInfrastructure) c;
                            assertEquals(Placement.LOCAL, p.placement().provider());
                            assertEquals(Placement.PROCESS, p.placement().kind());
                            assertEquals(1, p.placement().infrastructure().instanceCount());
                            assertEquals(Map.of("GREETING", "hi", "WORKERS", "4"), p.environment());
                            assertEquals(List.of(), p.policy().blockingRules());
                        }),
                row("plan without changes -> provision the new slot", planning(), planned(noChanges()), PROVISIONING,
                        ProvisionSlot.class, c -> {
                            ProvisionSlot p = (ProvisionSlot) c;
                            assertEquals("green", p.slot());
                            assertEquals("2.0.0", p.version());
                            assertEquals("file:/apps/shop.jar", p.artifact());
                            assertEquals(18080, p.routerPort());
                            assertEquals(Map.of("GREETING", "hi", "WORKERS", "4"), p.environment());
                        }),
                row("config rejected -> FAILED, nothing provisioned", at(CONFIGURING), configRejected(), FAILED,
                        null, null),
                row("config without router.port -> planned (the provisioner's pool gives the port)", at(CONFIGURING),
                        configResolved(Map.of("app", Map.of())), PROVISIONING, PlanInfrastructure.class, null),
                row("config with a router.port that is no port -> FAILED", at(CONFIGURING),
                        configResolved(Map.of("router", Map.of("port", 70000))), FAILED, null, null),
                row("slot provisioned -> pre-switch check UNTIL_HEALTHY on the instance", at(PROVISIONING),
                        provisioned("green"), VERIFYING, RunHealthCheck.class, c -> {
                            RunHealthCheck h = (RunHealthCheck) c;
                            assertEquals("pre-switch", h.phase());
                            assertEquals(CheckMode.UNTIL_HEALTHY, h.mode());
                            assertEquals(URL, h.baseUrl());
                            assertEquals("green", h.slot());
                            assertEquals(10000, h.spec().maxWaitMs());
                            assertEquals(List.of("/health", "/ready"), h.spec().paths());
                        }),
                row("provisioning failed -> release new slot", at(PROVISIONING),
                        provisioningFailed("provision", "green"), CLEANING_UP, ReleaseSlot.class,
                        c -> assertEquals("green", ((ReleaseSlot) c).slot())),
                row("pre-switch passed -> switch new:100 old:0", at(VERIFYING), health("pre-switch", "green", true),
                        SWITCHING, ShiftTraffic.class, c -> {
                            assertEquals(Map.of("green", 100, "blue", 0), ((ShiftTraffic) c).weights());
                            assertEquals("switch", ((ShiftTraffic) c).reason());
                        }),
                row("pre-switch failed -> release new slot", at(VERIFYING), health("pre-switch", "green", false),
                        CLEANING_UP, ReleaseSlot.class, c -> assertEquals("green", ((ReleaseSlot) c).slot())),
                row("traffic shifted -> post-switch WATCH over the window", at(SWITCHING),
                        shifted("switch", "green", 100, "blue", 0), MONITORING, RunHealthCheck.class, c -> {
                            RunHealthCheck h = (RunHealthCheck) c;
                            assertEquals("post-switch", h.phase());
                            assertEquals(CheckMode.WATCH, h.mode());
                            assertEquals(2000, h.spec().windowMs());
                            assertEquals(URL, h.baseUrl());
                        }),
                row("a swap moved the slots -> the post-switch WATCH follows the new version to where it answers now",
                        at(SWITCHING), new TrafficShifted(Fixtures.meta(), Fixtures.TARGET, Map.of("green", 100, "blue", 0),
                                "http://shop.example", "switch", "azure-monitor:/sites/shop?green=production&blue=staging",
                                Map.of("green", "http://shop.example", "blue", "http://shop-staging.example")),
                        MONITORING, RunHealthCheck.class, c -> assertEquals("http://shop.example", ((RunHealthCheck) c).baseUrl())),
                row("shift failed -> roll back", at(SWITCHING), provisioningFailed("shift", null), ROLLING_BACK,
                        StartRollback.class, null),
                row("post-switch passed -> release the old slot", at(MONITORING), health("post-switch", "green", true),
                        CLEANING_UP, ReleaseSlot.class, c -> {
                            assertEquals("blue", ((ReleaseSlot) c).slot());
                            assertEquals("cleanup", ((ReleaseSlot) c).reason());
                        }),
                row("post-switch failed -> StartRollback(stable=blue, failed=green)", at(MONITORING),
                        health("post-switch", "green", false), ROLLING_BACK, StartRollback.class, c -> {
                            StartRollback r = (StartRollback) c;
                            assertEquals("blue", r.stableSlot());
                            assertEquals("green", r.failedSlot());
                            assertEquals("immediate", r.strategy());
                        }),
                row("old slot released -> SUCCEEDED", at(CLEANING_UP), released("blue", "cleanup"), SUCCEEDED, null,
                        null),
                row("old slot not released -> still SUCCEEDED", at(CLEANING_UP), provisioningFailed("release", "blue"),
                        SUCCEEDED, null, null),
                row("new slot released after an early failure -> FAILED", abortingGreen(), released("green", "abort"),
                        FAILED, null, null),
                row("rollback completed -> ROLLED_BACK", at(ROLLING_BACK), rollbackCompleted(), ROLLED_BACK, null,
                        null),
                row("rollback failed -> FAILED", at(ROLLING_BACK), rollbackFailed(), FAILED, null, null),
                row("first deployment: switch to new:100 only", firstAt(VERIFYING), health("pre-switch", "blue", true),
                        SWITCHING, ShiftTraffic.class,
                        c -> assertEquals(Map.of("blue", 100), ((ShiftTraffic) c).weights())),
                row("first deployment: post-switch passed -> SUCCEEDED", firstAt(MONITORING),
                        health("post-switch", "blue", true), SUCCEEDED, null, null),
                row("first deployment: post-switch failed -> release new slot", firstAt(MONITORING),
                        health("post-switch", "blue", false), CLEANING_UP, ReleaseSlot.class,
                        c -> assertEquals("blue", ((ReleaseSlot) c).slot())),
                row("first deployment: shift failed -> release new slot", firstAt(SWITCHING),
                        provisioningFailed("shift", "blue"), CLEANING_UP, ReleaseSlot.class, null));
    }

    private static Arguments row(String name, Supplier<Deployment> from, Event event, DeploymentStatus expected,
                                 Class<? extends Command> command, Consumer<Command> check) {
        return Arguments.of(name, from, event, expected, command, check);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transitions")
    void transition(String name, Supplier<Deployment> from, Event event, DeploymentStatus expected,
                    Class<? extends Command> commandType, Consumer<Command> check) {
        Deployment before = from.get();
        Instant later = T0.plusSeconds(5);
        Transition t = SM.on(before, event, later);

        assertEquals(expected, t.after().status());
        assertTrue(t.changed());
        DeploymentStatusChanged changed = assertInstanceOf(DeploymentStatusChanged.class, t.messages().get(0));
        assertEquals(expected, changed.status());
        assertEquals(t.after().reason(), changed.reason());
        assertEquals(event.meta().messageId(), changed.meta().causationId());
        assertEquals("d-1", changed.meta().deploymentId());
        assertEquals("c-1", changed.meta().correlationId());
        List<Command> commands = commands(t);
        if (commandType == null) {
            assertEquals(List.of(), commands);
        } else {
            assertEquals(1, commands.size());
            assertInstanceOf(commandType, commands.get(0));
            assertEquals("d-1", commands.get(0).meta().deploymentId());
            if (check != null) {
                check.accept(commands.get(0));
            }
        }
        // the stage left is closed, the stage entered is running with an absolute deadline
        Stage ended = before.currentStage();
        Stage endedAfter = t.after().stages().get(before.stages().size() - 1);
        assertEquals(ended.name(), endedAfter.name());
        assertEquals(later, endedAfter.endedAt());
        assertFalse(endedAfter.status() == StageStatus.RUNNING);
        if (expected.terminal()) {
            assertNull(t.after().currentStage());
        } else {
            Stage running = t.after().currentStage();
            assertNotNull(running);
            assertEquals(later, running.startedAt());
            assertTrue(running.deadline().isAfter(later));
        }
    }

    // ---- ignored events ------------------------------------------------------------------------------------

    static Stream<Arguments> ignored() {
        return Stream.of(
                Arguments.of("PENDING takes no agent events", at(PENDING), configResolved()),
                Arguments.of("CONFIGURING ignores provisioner events", at(CONFIGURING), provisioned("green")),
                Arguments.of("PROVISIONING ignores another slot", at(PROVISIONING), provisioned("blue")),
                Arguments.of("PROVISIONING ignores a redelivered ConfigResolved", at(PROVISIONING), configResolved()),
                Arguments.of("PROVISIONING ignores a release failure", at(PROVISIONING),
                        provisioningFailed("release", "green")),
                Arguments.of("VERIFYING ignores a post-switch verdict", at(VERIFYING),
                        health("post-switch", "green", false)),
                Arguments.of("VERIFYING ignores a verdict on another slot", at(VERIFYING),
                        health("pre-switch", "blue", false)),
                Arguments.of("VERIFYING ignores a duplicate SlotProvisioned", at(VERIFYING), provisioned("green")),
                Arguments.of("SWITCHING ignores weights that do not put the new slot at 100", at(SWITCHING),
                        shifted("rollback", "blue", 100, "green", 0)),
                Arguments.of("MONITORING ignores a duplicate pre-switch verdict", at(MONITORING),
                        health("pre-switch", "green", false)),
                Arguments.of("MONITORING ignores a duplicate TrafficShifted", at(MONITORING),
                        shifted("switch", "green", 100, "blue", 0)),
                Arguments.of("CLEANING_UP ignores the release of another slot", at(CLEANING_UP),
                        released("green", "rollback")),
                Arguments.of("ROLLING_BACK ignores the rollback-service's traffic shift", at(ROLLING_BACK),
                        shifted("rollback", "blue", 100, "green", 0)),
                Arguments.of("ROLLING_BACK ignores the rollback-service's slot release", at(ROLLING_BACK),
                        released("green", "rollback")),
                Arguments.of("SUCCEEDED ignores everything", at(SUCCEEDED), health("post-switch", "green", false)),
                Arguments.of("FAILED ignores a late ConfigResolved",
                        (Supplier<Deployment>) () -> SM.on(at(CONFIGURING).get(), configRejected(), T0).after(),
                        configResolved()),
                Arguments.of("ROLLED_BACK ignores a second RollbackCompleted",
                        (Supplier<Deployment>) () -> SM.on(at(ROLLING_BACK).get(), rollbackCompleted(), T0).after(),
                        rollbackCompleted()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ignored")
    void ignoresUnexpectedEvents(String name, Supplier<Deployment> from, Event event) {
        Deployment before = from.get();
        Transition t = SM.on(before, event, T0.plusSeconds(1));
        assertFalse(t.changed());
        assertSame(before, t.after());
        assertEquals(List.of(), t.messages());
    }

    // ---- timeouts ------------------------------------------------------------------------------------------

    static Stream<Arguments> timeouts() {
        return Stream.of(
                Arguments.of(at(CONFIGURING), Duration.ofSeconds(30), FAILED, "config", null),
                Arguments.of(at(PROVISIONING), Duration.ofSeconds(60), CLEANING_UP,
                        "provision", ReleaseSlot.class),
                // verify = health max-wait (10s in the fixture config) + 15s
                Arguments.of(at(VERIFYING), Duration.ofSeconds(25), CLEANING_UP, "verify",
                        ReleaseSlot.class),
                Arguments.of(at(SWITCHING), Duration.ofSeconds(30), ROLLING_BACK, "switch",
                        StartRollback.class),
                // monitor = window (2s in the fixture config) + 30s
                Arguments.of(at(MONITORING), Duration.ofSeconds(32), ROLLING_BACK,
                        "monitor", StartRollback.class),
                Arguments.of(firstAt(MONITORING), Duration.ofSeconds(32), CLEANING_UP,
                        "monitor", ReleaseSlot.class),
                Arguments.of(at(CLEANING_UP), Duration.ofSeconds(60), SUCCEEDED, "cleanup",
                        null),
                Arguments.of(abortingGreen(), Duration.ofSeconds(60), FAILED, "cleanup", null),
                Arguments.of(at(ROLLING_BACK), Duration.ofSeconds(60), FAILED, "rollback",
                        null));
    }

    @ParameterizedTest(name = "{3} -> {2}")
    @MethodSource("timeouts")
    void failsStagesPastTheirDeadline(Supplier<Deployment> from, Duration timeout, DeploymentStatus expected,
                                      String stage, Class<? extends Command> command) {
        Deployment d = from.get();
        Instant deadline = d.currentStage().deadline();
        assertEquals(d.currentStage().startedAt().plus(timeout), deadline);

        // before it the stage's command may be sent again (CommandResendTest), but the stage runs on
        Transition early = SM.tick(d, deadline.minusMillis(1));
        assertEquals(d.status(), early.after().status(), "not before the deadline");
        assertTrue(early.after().currentStage().running(), "not before the deadline");

        Transition t = SM.tick(d, deadline);
        assertEquals(expected, t.after().status());
        Stage timedOut = t.after().stages().get(d.stages().size() - 1);
        assertEquals(stage, timedOut.name());
        assertEquals(StageStatus.FAILED, timedOut.status());
        assertEquals(FailureType.TIMEOUT, t.after().lastFailure().type());
        assertEquals(stage, t.after().lastFailure().stage());
        List<Command> commands = commands(t);
        if (command == null) {
            assertEquals(List.of(), commands);
        } else {
            assertInstanceOf(command, commands.get(0));
        }
    }

    @Test
    void configuredTimeoutsOverrideTheDerivedOnes() {
        StageTimeouts custom = new StageTimeouts(Duration.ofMillis(1500), Duration.ofSeconds(5), Duration.ofSeconds(7),
                Duration.ofSeconds(15), Duration.ofSeconds(3), Duration.ofSeconds(9), Duration.ofSeconds(30),
                Duration.ofSeconds(4), Duration.ofSeconds(6));
        DeploymentStateMachine sm = new DeploymentStateMachine(custom, Strategies.ALL);
        Deployment configuring = Fixtures.in(sm, CONFIGURING, false);
        Transition t = sm.tick(configuring, configuring.currentStage().deadline());
        assertEquals("stage config timed out after 1.5s", t.after().reason());
        Deployment verifying = Fixtures.in(sm, VERIFYING, false);
        assertEquals(Duration.ofSeconds(7), Duration.between(verifying.currentStage().startedAt(),
                verifying.currentStage().deadline()));
        Deployment monitoring = Fixtures.in(sm, MONITORING, false);
        assertEquals(Duration.ofSeconds(9), Duration.between(monitoring.currentStage().startedAt(),
                monitoring.currentStage().deadline()));
    }

    @Test
    void terminalAndPendingDeploymentsHaveNoTimeouts() {
        assertFalse(SM.tick(at(SUCCEEDED).get(), T0.plus(Duration.ofDays(1))).changed());
        assertFalse(SM.tick(at(PENDING).get(), T0.plus(Duration.ofDays(1))).changed());
    }

    // ---- whole runs, accept/start, re-issue ----------------------------------------------------------------

    @Test
    void acceptAnnouncesThenStartAsksForConfig() {
        Transition accepted = SM.accept("d-1", "c-1", new DeploymentRequest("shop", "staging", "2.0.0", "a.jar",
                "blue-green", Map.of("x", 1)), new SlotPlan("green", "blue", "1.0.0"), null, T0);
        assertEquals(PENDING, accepted.after().status());
        assertNull(accepted.before());
        DeploymentAccepted event = assertInstanceOf(DeploymentAccepted.class, accepted.messages().get(0));
        assertEquals("blue-green", event.strategy());

        Transition started = SM.start(accepted.after(), T0);
        assertEquals(CONFIGURING, started.after().status());
        ResolveConfig resolve = assertInstanceOf(ResolveConfig.class, commands(started).get(0));
        assertEquals(Map.of("x", 1), resolve.overrides());
        assertEquals("2.0.0", resolve.version());
        assertEquals(T0.plusSeconds(30), started.after().currentStage().deadline());
        assertFalse(SM.start(started.after(), T0).changed(), "start only from PENDING");
    }

    @Test
    void happyPathRecordsEveryStage() {
        Deployment d = Fixtures.in(SM, CLEANING_UP, false);
        d = SM.on(d, released("blue", "cleanup"), T0.plusSeconds(9)).after();
        assertEquals(SUCCEEDED, d.status());
        assertEquals(List.of("config", "plan", "provision", "verify", "switch", "monitor", "cleanup"),
                d.stages().stream().map(Stage::name).toList());
        assertTrue(d.stages().stream().allMatch(s -> s.status() == StageStatus.SUCCEEDED && s.endedAt() != null));
        assertEquals("sha256:ab12", d.configHash());
        assertEquals("http://127.0.0.1:18080", d.routerUrl());
        assertEquals("green", d.slot());
        assertEquals("blue", d.stableSlot());
        assertEquals("1.0.0", d.stableVersion());
    }

    @Test
    void rollbackKeepsTheCauseAndTheFigures() {
        Deployment d = SM.on(Fixtures.in(SM, MONITORING, false), health("post-switch", "green", false), T0).after();
        StartRollback start = assertInstanceOf(StartRollback.class, SM.reissue(d, T0).get(0));
        assertEquals("green", start.failedSlot());
        d = SM.on(d, rollbackCompleted(), T0).after();
        assertEquals(ROLLED_BACK, d.status());
        assertEquals(new RollbackFigures(40, 120), d.rollback());
        // the cause: the failed post-switch check of the monitor stage
        assertEquals(1, d.failures().size());
        assertEquals(FailureType.APPLICATION_FAILURE, d.lastFailure().type());
        assertEquals("monitor", d.lastFailure().stage());
        assertEquals(FailureAction.ROLLBACK, d.lastFailure().action());
        assertEquals("rollback", d.stage());
    }

    @Test
    void failureBeforeTheSwitchKeepsItsReasonThroughCleanup() {
        Deployment d = abortingGreen().get();
        assertEquals("abort", ((ReleaseSlot) SM.reissue(d, T0).get(0)).reason());
        d = SM.on(d, released("green", "abort"), T0).after();
        assertEquals(FAILED, d.status());
        // the cause is still the failed pre-switch check of the verify stage, not the cleanup
        assertEquals(1, d.failures().size());
        assertEquals(FailureType.HEALTH_CHECK_FAILURE, d.lastFailure().type());
        assertEquals("verify", d.lastFailure().stage());
    }

    static Stream<Arguments> reissued() {
        return Stream.of(
                Arguments.of(CONFIGURING, ResolveConfig.class), Arguments.of(PROVISIONING, ProvisionSlot.class),
                Arguments.of(VERIFYING, RunHealthCheck.class), Arguments.of(SWITCHING, ShiftTraffic.class),
                Arguments.of(MONITORING, RunHealthCheck.class), Arguments.of(CLEANING_UP, ReleaseSlot.class),
                Arguments.of(SUCCEEDED, null), Arguments.of(PENDING, null));
    }

    @ParameterizedTest(name = "{0} re-issues {1}")
    @MethodSource("reissued")
    void reissuesTheCommandOfTheCurrentStatus(DeploymentStatus status, Class<? extends Command> command) {
        Deployment d = Fixtures.in(SM, status, false);
        List<Message> again = SM.reissue(d, T0.plusSeconds(60));
        if (command == null) {
            assertEquals(List.of(), again);
        } else {
            assertEquals(1, again.size());
            assertInstanceOf(command, again.get(0));
            assertEquals("d-1", again.get(0).meta().deploymentId());
        }
    }

    @Test
    void reissuedCommandSurvivesASnapshotRoundTrip() {
        Deployment d = Fixtures.in(SM, MONITORING, false);
        Deployment restored = dev.cutover.orchestrator.store.SnapshotCodec.decode(
                dev.cutover.orchestrator.store.SnapshotCodec.encode(d));
        assertEquals(d, restored);
        RunHealthCheck original = (RunHealthCheck) commands(SM.on(Fixtures.in(SM, SWITCHING, false),
                shifted("switch", "green", 100, "blue", 0), T0)).get(0);
        RunHealthCheck again = (RunHealthCheck) SM.reissue(restored, T0).get(0);
        assertEquals(original.spec(), again.spec());
        assertEquals(original.baseUrl(), again.baseUrl());
    }

    private static List<Command> commands(Transition t) {
        return t.messages().stream().filter(Command.class::isInstance).map(Command.class::cast).toList();
    }
}
