package dev.cutover.orchestrator.engine;

import dev.cutover.events.Command;
import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.Message;
import dev.cutover.events.ProvisionerCommand.PlanInfrastructure;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.HoldKind;
import dev.cutover.orchestrator.model.OperatorAction.Kind;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.settings.StageTimeouts;
import dev.cutover.orchestrator.store.SnapshotCodec;
import dev.cutover.orchestrator.strategy.Strategies;
import dev.cutover.orchestrator.strategy.canary.CanaryStrategyTest;
import dev.cutover.orchestrator.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.cutover.events.DeploymentStatus.AWAITING_APPROVAL;
import static dev.cutover.events.DeploymentStatus.CONFIGURING;
import static dev.cutover.events.DeploymentStatus.MONITORING;
import static dev.cutover.events.DeploymentStatus.PAUSED;
import static dev.cutover.events.DeploymentStatus.PROGRESSING;
import static dev.cutover.events.DeploymentStatus.PROVISIONING;
import static dev.cutover.events.DeploymentStatus.SWITCHING;
import static dev.cutover.events.DeploymentStatus.VERIFYING;
import static dev.cutover.orchestrator.testing.Fixtures.T0;
import static dev.cutover.orchestrator.testing.Fixtures.configResolved;
import static dev.cutover.orchestrator.testing.Fixtures.health;
import static dev.cutover.orchestrator.testing.Fixtures.noChanges;
import static dev.cutover.orchestrator.testing.Fixtures.planned;
import static dev.cutover.orchestrator.testing.Fixtures.provisioned;
import static dev.cutover.orchestrator.testing.Fixtures.shifted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The orchestrator asks again instead of giving up: the command a stage waits for carries a messageId recorded on
 * the stage; while the reply is missing the tick sends that same command (same id, same content) again at 1/3 and
 * 2/3 of the stage's window (two attempts, the default), never more, never after the reply, never during holds;
 * the deadline then times the stage out as before, and a restart re-issues it with the same id.
 */
class CommandResendTest {

    private static final DeploymentStateMachine SM = new DeploymentStateMachine(StageTimeouts.DEFAULTS, Strategies.ALL);

    /** Entering a stage: the transition that issued its command. */
    static Stream<Arguments> stages() {
        return Stream.of(
                row("config", () -> SM.start(Fixtures.pending(SM, false), T0), ResolveConfig.class),
                row("plan", () -> SM.on(Fixtures.in(SM, CONFIGURING, false), configResolved(), T0),
                        PlanInfrastructure.class),
                row("provision", () -> SM.on(SM.on(Fixtures.in(SM, CONFIGURING, false), configResolved(), T0).after(),
                        planned(noChanges()), T0), ProvisionSlot.class),
                row("verify", () -> SM.on(Fixtures.in(SM, PROVISIONING, false), provisioned("green"), T0),
                        RunHealthCheck.class),
                row("switch", () -> SM.on(Fixtures.in(SM, VERIFYING, false), health("pre-switch", "green", true), T0),
                        ShiftTraffic.class),
                row("monitor", () -> SM.on(Fixtures.in(SM, SWITCHING, false),
                        shifted("switch", "green", 100, "blue", 0), T0), RunHealthCheck.class),
                row("cleanup", () -> SM.on(Fixtures.in(SM, MONITORING, false), health("post-switch", "green", true), T0),
                        ReleaseSlot.class),
                row("rollback", () -> SM.on(Fixtures.in(SM, MONITORING, false), health("post-switch", "green", false),
                        T0), StartRollback.class),
                row("canary analysis", () -> SM.on(CanaryStrategyTest.verified(false), shifted("canary", "green", 5,
                        "blue", 95), T0), RunAnalysis.class));
    }

    private static Arguments row(String stage, Supplier<Transition> entering, Class<? extends Command> command) {
        return Arguments.of(stage, entering, command);
    }

    private static List<Command> commands(Transition t) {
        return t.messages().stream().filter(Command.class::isInstance).map(Command.class::cast).toList();
    }

    private static Instant at(Stage s, int thirds) {
        return s.startedAt().plus(Duration.between(s.startedAt(), s.deadline()).multipliedBy(thirds).dividedBy(3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stages")
    void resendsTheSameCommandTwiceThenTimesOut(String name, Supplier<Transition> entering,
                                                Class<? extends Command> type) {
        Transition in = entering.get();
        List<Command> issued = commands(in);
        assertEquals(1, issued.size(), () -> "issued: " + issued);
        Command first = assertInstanceOf(type, issued.get(0));
        Deployment d = in.after();
        Stage stage = d.currentStage();
        assertNotNull(stage.deadline(), name);
        assertEquals(first.meta().messageId(), stage.commandId(), "the stage records the id it sent");
        assertEquals(List.of(first), SM.reissue(d, T0.plusSeconds(5)), "a restart re-issues it, same id");

        assertFalse(SM.tick(d, at(stage, 1).minusMillis(1)).changed(), "nothing before a third of the window");
        Transition once = SM.tick(d, at(stage, 1));
        assertTrue(once.resend());
        assertEquals(List.of(first), once.messages(), "the same command: same messageId, same content");
        assertEquals(d.status(), once.after().status());
        assertEquals(1, once.after().currentStage().resends());

        assertFalse(SM.tick(once.after(), at(stage, 1).plusMillis(1)).changed(), "once per due point");
        assertFalse(SM.tick(once.after(), at(stage, 2).minusMillis(1)).changed());
        Transition twice = SM.tick(once.after(), at(stage, 2));
        assertEquals(List.of(first), twice.messages());
        assertEquals(2, twice.after().currentStage().resends());

        Deployment restarted = SnapshotCodec.decode(SnapshotCodec.encode(twice.after()));
        assertEquals(twice.after().currentStage(), restarted.currentStage(), "id and count survive a restart");
        assertEquals(List.of(first), SM.reissue(restarted, at(stage, 2)));
        for (Instant t = at(stage, 2); t.isBefore(stage.deadline()); t = t.plusSeconds(1)) {
            assertFalse(SM.tick(restarted, t).changed(), "bounded: two attempts, at " + t);
        }

        Transition timedOut = SM.tick(restarted, stage.deadline());
        assertFalse(timedOut.after().stages().get(d.stages().size() - 1).running(),
                "the deadline then ends the stage as before");
        assertTrue(timedOut.after().failures().size() > d.failures().size() || !timedOut.after().analyses().isEmpty(),
                "as a timeout (a canary analysis: no verdict, by its insufficient-data policy)");
        assertFalse(timedOut.resend());
        assertTrue(commands(timedOut).stream().noneMatch(c -> c.meta().messageId().equals(stage.commandId())));
    }

    @Test
    void noResendAfterTheReply() {
        Deployment verifying = SM.on(Fixtures.in(SM, PROVISIONING, false), provisioned("green"), T0).after();
        Stage verify = verifying.currentStage();
        Deployment resent = SM.tick(verifying, at(verify, 1)).after();
        Instant repliedAt = at(verify, 1).plusSeconds(1);
        Transition replied = SM.on(resent, health("pre-switch", "green", true), repliedAt);
        Deployment switching = replied.after();
        assertEquals(SWITCHING, switching.status());
        Stage next = switching.currentStage();
        assertNotEquals(verify.commandId(), next.commandId(), "the next stage's command has an id of its own");
        assertEquals(commands(replied).get(0).meta().messageId(), next.commandId());

        List<Message> sent = new ArrayList<>();
        Deployment d = switching;
        for (Instant t = repliedAt; t.isBefore(at(next, 1)); t = t.plusMillis(500)) {
            Transition tick = SM.tick(d, t);
            sent.addAll(tick.messages());
            d = tick.after();
        }
        assertEquals(List.of(), sent, "the answered command is never sent again, the new one not before its time");
        assertEquals(0, d.currentStage().resends());
    }

    @Test
    void zeroAttemptsNeverResend() {
        DeploymentStateMachine never = new DeploymentStateMachine(StageTimeouts.DEFAULTS, Strategies.ALL, 0);
        Deployment d = never.on(Fixtures.in(never, PROVISIONING, false), provisioned("green"), T0).after();
        Stage s = d.currentStage();
        for (Instant t = s.startedAt(); t.isBefore(s.deadline()); t = t.plusSeconds(1)) {
            assertFalse(never.tick(d, t).changed(), "at " + t);
        }
    }

    @Test
    void moreAttemptsAreSpreadEvenly() {
        DeploymentStateMachine four = new DeploymentStateMachine(StageTimeouts.DEFAULTS, Strategies.ALL, 4);
        Deployment d = four.on(Fixtures.in(four, PROVISIONING, false), provisioned("green"), T0).after();
        Stage s = d.currentStage();
        Duration fifth = Duration.between(s.startedAt(), s.deadline()).dividedBy(5);
        List<Instant> sentAt = new ArrayList<>();
        for (Instant t = s.startedAt(); t.isBefore(s.deadline()); t = t.plusMillis(250)) {
            Transition tick = four.tick(d, t);
            if (tick.resend()) {
                sentAt.add(t);
                assertEquals(s.commandId(), tick.messages().get(0).meta().messageId());
            }
            d = tick.after();
        }
        assertEquals(List.of(s.startedAt().plus(fifth), s.startedAt().plus(fifth.multipliedBy(2)),
                s.startedAt().plus(fifth.multipliedBy(3)), s.startedAt().plus(fifth.multipliedBy(4))), sentAt);
    }

    /** Holds wait for an operator, not an agent: nothing is re-sent, whatever the clock. */
    static Stream<Arguments> holds() {
        return Stream.of(
                Arguments.of("approval gate", (Supplier<Deployment>) () -> SM.on(CanaryStrategyTest.analysing(2,
                        "pipeline.approval-before-promote", true, "pipeline.approval-timeout-ms", 60000),
                        CanaryStrategyTest.analysis(2, Verdict.PASS), T0).after(), AWAITING_APPROVAL),
                Arguments.of("paused by an operator", (Supplier<Deployment>) () -> SM.act(
                        CanaryStrategyTest.analysing(0), Kind.PAUSE, "ops", "look", T0).after(), PAUSED),
                Arguments.of("paused for a manual rollback", (Supplier<Deployment>) () -> SM.on(
                        CanaryStrategyTest.analysing(0, "rollback.strategy", "manual"),
                        CanaryStrategyTest.analysis(0, Verdict.FAIL), T0).after(), PAUSED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("holds")
    void nothingIsResentDuringHolds(String name, Supplier<Deployment> held, DeploymentStatus status) {
        Deployment d = held.get();
        assertEquals(status, d.status(), name);
        Stage s = d.currentStage();
        Instant end = s.deadline() != null ? s.deadline() : T0.plus(Duration.ofMinutes(10));
        for (Instant t = T0; t.isBefore(end); t = t.plusMillis(500)) {
            assertFalse(SM.tick(d, t).changed(), name + " at " + t);
        }
    }

    @Test
    void theManualRollbackHoldKeepsItsCommandIdForARestart() {
        Deployment d = SM.on(CanaryStrategyTest.analysing(0, "rollback.strategy", "manual"),
                CanaryStrategyTest.analysis(0, Verdict.FAIL), T0).after();
        assertTrue(d.hold().is(HoldKind.MANUAL_ROLLBACK));
        List<Message> again = SM.reissue(d, T0.plusSeconds(30));
        assertEquals(1, again.size());
        assertEquals(d.currentStage().commandId(), again.get(0).meta().messageId());
    }

    @Test
    void aResumedStageSendsItsCommandWithANewIdAndResendsIt() {
        Deployment paused = SM.act(CanaryStrategyTest.analysing(0), Kind.PAUSE, "ops", null, T0).after();
        Instant later = T0.plusSeconds(100);
        Transition resumed = SM.act(paused, Kind.RESUME, "ops", null, later);
        assertEquals(PROGRESSING, resumed.after().status());
        Stage s = resumed.after().currentStage();
        assertEquals(later, s.startedAt());
        Command c = commands(resumed).get(0);
        assertEquals(s.commandId(), c.meta().messageId());
        Transition again = SM.tick(resumed.after(), at(s, 1));
        assertEquals(List.of(c), again.messages());
    }

    @Test
    void aStageRecordedWithoutAnIdIsResentWithAStableDerivedOne() {
        Deployment current = SM.on(Fixtures.in(SM, PROVISIONING, false), provisioned("green"), T0).after();
        Stage s = current.currentStage();
        Deployment legacy = current.edit().changeStage(x -> new Stage(x.name(), x.status(), x.startedAt(),
                x.endedAt(), x.reason(), x.deadline(), x.pipeline(), null, null, 0)).build();
        Message a = SM.reissue(legacy, T0).get(0);
        Message b = SM.reissue(SnapshotCodec.decode(SnapshotCodec.encode(legacy)), T0.plusSeconds(3)).get(0);
        assertEquals(a, b, "the same id on every restart");
        assertEquals(List.of(a), SM.tick(legacy, at(s, 1)).messages());
    }
}
