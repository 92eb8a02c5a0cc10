package dev.cutover.orchestrator.strategy.canary;

import dev.cutover.events.Command;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.HealthMonitorEvent.DecisionRecord;
import dev.cutover.events.HealthMonitorEvent.MetricSample;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.RouterSecurity;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.CancelRollback;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.orchestrator.engine.DeploymentStateMachine;
import dev.cutover.orchestrator.model.ActionNotAllowedException;
import dev.cutover.orchestrator.model.AnalysisEntry;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.FailureAction;
import dev.cutover.orchestrator.model.FailureType;
import dev.cutover.orchestrator.model.HoldKind;
import dev.cutover.orchestrator.model.OperatorAction.Kind;
import dev.cutover.orchestrator.model.OperatorAction;
import dev.cutover.orchestrator.model.Pipeline;
import dev.cutover.orchestrator.model.SlotPlan;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.settings.RolloutSettings;
import dev.cutover.orchestrator.settings.StageTimeouts;
import dev.cutover.orchestrator.strategy.Strategies;
import dev.cutover.orchestrator.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.cutover.events.DeploymentStatus.AWAITING_APPROVAL;
import static dev.cutover.events.DeploymentStatus.CLEANING_UP;
import static dev.cutover.events.DeploymentStatus.MONITORING;
import static dev.cutover.events.DeploymentStatus.PAUSED;
import static dev.cutover.events.DeploymentStatus.PROGRESSING;
import static dev.cutover.events.DeploymentStatus.ROLLED_BACK;
import static dev.cutover.events.DeploymentStatus.ROLLING_BACK;
import static dev.cutover.events.DeploymentStatus.SUCCEEDED;
import static dev.cutover.events.DeploymentStatus.SWITCHING;
import static dev.cutover.orchestrator.testing.Fixtures.T0;
import static dev.cutover.orchestrator.testing.Fixtures.TARGET;
import static dev.cutover.orchestrator.testing.Fixtures.URL;
import static dev.cutover.orchestrator.testing.Fixtures.configResolved;
import static dev.cutover.orchestrator.testing.Fixtures.health;
import static dev.cutover.orchestrator.testing.Fixtures.meta;
import static dev.cutover.orchestrator.testing.Fixtures.provisioned;
import static dev.cutover.orchestrator.testing.Fixtures.released;
import static dev.cutover.orchestrator.testing.Fixtures.rollbackCompleted;
import static dev.cutover.orchestrator.testing.Fixtures.shifted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Canary steps, verdicts and policies, rollback strategies, operator actions and the approval gate. */
public class CanaryStrategyTest {

    public static final DeploymentStateMachine SM = new DeploymentStateMachine(StageTimeouts.DEFAULTS, Strategies.ALL);

    // ---- driving a canary ----------------------------------------------------------------------------------

    /** Config as Fixtures', plus the given flat keys (e.g. "rollback.strategy" → "gradual"). */
    public static Map<String, Object> config(Object... kv) {
        Map<String, Object> c = new HashMap<>(Fixtures.config());
        for (int i = 0; i < kv.length; i += 2) {
            c.put((String) kv[i], kv[i + 1]);
        }
        return c;
    }

    /** A canary "green" over stable "blue" (or a first deployment), verified: at step 0, shifting. */
    public static Deployment verified(boolean first, Object... config) {
        SlotPlan plan = first ? new SlotPlan("blue", null, null)
                : new SlotPlan("green", "blue", "1.0.0", "http://127.0.0.1:40100", null);
        Deployment d = SM.accept(Fixtures.ID, "c-1", new DeploymentRequest("shop", "staging", "2.0.0",
                "file:/apps/shop.jar", "canary", Map.of()), plan, null, T0).after();
        d = SM.start(d, T0).after();
        d = Fixtures.configured(SM, d, configResolved(config(config))).after();
        d = SM.on(d, provisioned(d.slot()), T0).after();
        return SM.on(d, health("pre-switch", d.slot(), true), T0).after();
    }

    /** Confirms the current step's shift: in analysis (or MONITORING at 100). */
    public static Deployment shiftedStep(Deployment d) {
        int w = d.rollout().weight();
        return SM.on(d, w == 100 ? shifted("canary", "green", 100, "blue", 0)
                : shifted("canary", "green", w, "blue", 100 - w), T0).after();
    }

    public static AnalysisCompleted analysis(int step, Verdict verdict) {
        return new AnalysisCompleted(meta(), TARGET, "green", step, verdict, new DecisionRecord(
                new MetricSample(120, 1, 0.008, 40.0, 24.0), new MetricSample(900, 5, 0.005, 38.0, 9.4), List.of(),
                verdict == Verdict.FAIL ? "error-rate-ratio" : null, "summary of " + verdict, 30000, 0, null));
    }

    /** Analysing step {@code step} (0-based) after every earlier step passed. */
    public static Deployment analysing(int step, Object... config) {
        Deployment d = shiftedStep(verified(false, config));
        for (int i = 0; i < step; i++) {
            d = shiftedStep(SM.on(d, analysis(i, Verdict.PASS), T0).after());
        }
        return d;
    }

    public static List<Command> commands(Transition t) {
        return t.messages().stream().filter(Command.class::isInstance).map(Command.class::cast).toList();
    }

    /** The last failure's type, stage and action. */
    static List<Object> failure(Deployment d) {
        return List.of(d.lastFailure().type(), d.lastFailure().stage(), d.lastFailure().action());
    }

    public static Command command(Transition t) {
        List<Command> c = commands(t);
        assertEquals(1, c.size(), () -> "commands: " + c);
        return c.get(0);
    }

    // ---- the happy path, command by command ----------------------------------------------------------------

    @Test
    void theEnvironmentsRouterSecurityTravelsWithEveryProvisionAndShift() {
        Deployment d = verified(false, "security", Map.of("https-only", true, "hsts", true, "csp", "default-src 'self'"));
        RouterSecurity expected = new RouterSecurity(true, true, "default-src 'self'");
        assertEquals(expected, ((ShiftTraffic) SM.reissue(d, T0).get(0)).security());
        Deployment fresh = Fixtures.configured(SM, SM.start(Fixtures.pending(SM, false), T0).after(),
                configResolved(config("security", Map.of("hsts", true)))).after();
        assertEquals(new RouterSecurity(false, true, null), ((ProvisionSlot) SM.reissue(fresh, T0).get(0)).security());
    }

    @Test
    void analysisReadsTheRouterMetricsWhereTheProvisionerSaidTheRouterIs() {
        SlotPlan plan = new SlotPlan("green", "blue", "1.0.0", "http://127.0.0.1:40100", null);
        Deployment d = SM.accept(Fixtures.ID, "c-1", new DeploymentRequest("shop", "staging", "2.0.0",
                "file:/apps/shop.jar", "canary", Map.of()), plan, null, T0).after();
        d = Fixtures.configured(SM, SM.start(d, T0).after(), configResolved(config())).after();
        d = SM.on(d, new SlotProvisioned(meta(), TARGET, "green", "2.0.0", URL, "i-1", "http://10.1.2.3:9001"), T0)
                .after();
        d = SM.on(d, health("pre-switch", "green", true), T0).after();
        RunAnalysis a = assertInstanceOf(RunAnalysis.class, command(SM.on(d, shifted("canary", "green", 5, "blue", 95),
                T0)));
        assertEquals("http://10.1.2.3:9001", a.metricsUrl());
        // a later report wins
        Transition moved = SM.on(d, new TrafficShifted(meta(), TARGET, Map.of("green", 5, "blue", 95),
                "http://10.1.2.3:9000", "canary step 1/4", "http://10.1.2.4:9001"), T0);
        assertEquals("http://10.1.2.4:9001",
                assertInstanceOf(RunAnalysis.class, command(moved)).metricsUrl());
    }

    @Test
    void stepsShiftThenAnalyseThenWatchAndRelease() {
        Deployment d = verified(false);
        assertEquals(PROGRESSING, d.status());
        assertEquals(List.of(5, 25, 50, 100), d.rollout().steps());
        ShiftTraffic first = assertInstanceOf(ShiftTraffic.class, SM.reissue(d, T0).get(0));
        assertEquals(Map.of("green", 5, "blue", 95), first.weights());

        int[] weights = {5, 25, 50};
        for (int i = 0; i < weights.length; i++) {
            Transition shiftedT = SM.on(d, shifted("canary", "green", weights[i], "blue", 100 - weights[i]), T0);
            RunAnalysis a = assertInstanceOf(RunAnalysis.class, command(shiftedT));
            assertEquals("green", a.canarySlot());
            assertEquals("blue", a.baselineSlot());
            assertEquals(i, a.step());
            assertEquals(weights[i], a.canaryWeight());
            assertEquals("http://127.0.0.1:18081", a.metricsUrl());
            assertEquals(URL, a.canaryUrl());
            // the warm-up is for the freshly started canary of the first step only
            assertEquals(i == 0 ? RolloutSettings.DEFAULT_ANALYSIS : RolloutSettings.DEFAULT_ANALYSIS.withWarmupMs(0),
                    a.spec());
            assertEquals(i == 0 ? 10_000 : 0, a.spec().warmup());
            d = shiftedT.after();
            assertEquals(Stage.ANALYSIS, d.stage());
            assertEquals(i, d.rollout().step());
            Transition passed = SM.on(d, analysis(i, Verdict.PASS), T0);
            ShiftTraffic next = assertInstanceOf(ShiftTraffic.class, command(passed));
            int w = i + 1 < weights.length ? weights[i + 1] : 100;
            assertEquals(Map.of("green", w, "blue", 100 - w), next.weights());
            d = passed.after();
        }
        Transition full = SM.on(d, shifted("canary", "green", 100, "blue", 0), T0);
        assertEquals(MONITORING, full.after().status());
        RunHealthCheck watch = assertInstanceOf(RunHealthCheck.class, command(full));
        assertEquals("post-switch", watch.phase());
        d = SM.on(full.after(), health("post-switch", "green", true), T0).after();
        assertEquals(CLEANING_UP, d.status());
        assertEquals("blue", ((ReleaseSlot) SM.reissue(d, T0).get(0)).slot());
        d = SM.on(d, released("blue", "cleanup"), T0).after();
        assertEquals(SUCCEEDED, d.status());
        assertEquals(3, d.analyses().size());
        assertTrue(d.analyses().stream().allMatch(a -> a.verdict() == Verdict.PASS && a.decision() != null));
        assertEquals(List.of(5, 25, 50), d.analyses().stream().map(AnalysisEntry::canaryWeight).toList());
        assertEquals(Pipeline.STAGES, d.stages().stream().map(Stage::pipeline).distinct()
                .filter(p -> p != Pipeline.ROLLBACK).sorted().toList());
    }

    @Test
    void stepsComeFromConfigAndOverrides() {
        Deployment d = verified(false, "canary.steps", List.of(10, 60));
        assertEquals(List.of(10, 60, 100), d.rollout().steps());
        assertEquals(Map.of("green", 10, "blue", 90), ((ShiftTraffic) SM.reissue(d, T0).get(0)).weights());
    }

    @Test
    void firstDeploymentRunsAsBlueGreenAndSaysSo() {
        Deployment d = verified(true);
        assertEquals(SWITCHING, d.status());
        assertNull(d.rollout());
        // the one wording check here: the reason is where the operator learns why there are no steps
        assertTrue(d.reason().contains("no stable version to compare with"), d.reason());
        assertEquals(Map.of("blue", 100), ((ShiftTraffic) SM.reissue(d, T0).get(0)).weights());
    }

    // ---- verdicts and policies -----------------------------------------------------------------------------

    public static Stream<Arguments> verdicts() {
        return Stream.of(
                Arguments.of("PASS -> next step", Verdict.PASS, "pause", PROGRESSING, ShiftTraffic.class),
                Arguments.of("FAIL -> rollback", Verdict.FAIL, "pause", ROLLING_BACK, StartRollback.class),
                Arguments.of("INCONCLUSIVE -> paused", Verdict.INCONCLUSIVE, "fail", PAUSED, null),
                Arguments.of("INSUFFICIENT_DATA, policy fail -> rollback", Verdict.INSUFFICIENT_DATA, "fail",
                        ROLLING_BACK, StartRollback.class),
                Arguments.of("INSUFFICIENT_DATA, policy pause -> paused", Verdict.INSUFFICIENT_DATA, "pause", PAUSED,
                        null),
                Arguments.of("INSUFFICIENT_DATA, policy pass -> next step", Verdict.INSUFFICIENT_DATA, "pass",
                        PROGRESSING, ShiftTraffic.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verdicts")
    void verdictDecidesTheNextMove(String name, Verdict verdict, String policy, DeploymentStatus expected,
                                   Class<? extends Command> command) {
        Deployment d = analysing(1, "analysis.insufficient-data-policy", policy);
        Transition t = SM.on(d, analysis(1, verdict), T0);
        assertEquals(expected, t.after().status(), t.after().reason());
        if (command == null) {
            assertEquals(List.of(), commands(t));
        } else {
            assertInstanceOf(command, command(t));
        }
        AnalysisEntry last = t.after().analyses().get(t.after().analyses().size() - 1);
        assertEquals(verdict, last.verdict());
        assertEquals(25, last.canaryWeight());
        assertEquals("summary of " + verdict, last.decision().summary());
        switch (expected) {
            case PAUSED -> assertEquals(HoldKind.ANALYSIS, t.after().hold().kind());
            case ROLLING_BACK -> assertEquals(List.of(FailureType.APPLICATION_FAILURE, Stage.ANALYSIS,
                    FailureAction.ROLLBACK), failure(t.after()));
            default -> assertEquals(2, t.after().rollout().step(), "the next step");
        }
    }

    @Test
    void verdictForAnotherStepOrSlotIsIgnored() {
        Deployment d = analysing(1);
        assertFalse(SM.on(d, analysis(0, Verdict.FAIL), T0).changed());
        assertFalse(SM.on(shiftedStep(verified(false)).edit().slot("purple").build(), analysis(0, Verdict.FAIL), T0)
                .changed());
    }

    @Test
    void insufficientDataPolicyIsSentInTheSpec() {
        Deployment d = analysing(0, "analysis.insufficient-data-policy", "fail", "analysis.window-ms", 4000);
        RunAnalysis a = (RunAnalysis) SM.reissue(d, T0).get(0);
        assertEquals(InsufficientDataPolicy.FAIL, a.spec().insufficientDataPolicy());
        assertEquals(4000, a.spec().windowMs());
    }

    @Test
    void noVerdictBeforeTheDeadlineIsHandledByThePolicy() {
        Deployment d = analysing(0);
        Duration limit = Duration.between(d.currentStage().startedAt(), d.currentStage().deadline());
        assertEquals(Duration.ofSeconds(10 + 30 + 2 * 10 + 30), limit); // warm-up, window, extensions, grace
        Transition t = SM.tick(d, d.currentStage().deadline());
        assertEquals(PAUSED, t.after().status());
        assertEquals(HoldKind.ANALYSIS, t.after().hold().kind());
        // recorded as insufficient data, with no decision record: the health-monitor never answered
        AnalysisEntry none = t.after().analyses().get(0);
        assertEquals(Verdict.INSUFFICIENT_DATA, none.verdict());
        assertNull(none.decision());
        Deployment failing = analysing(0, "analysis.insufficient-data-policy", "fail");
        assertEquals(ROLLING_BACK, SM.tick(failing, failing.currentStage().deadline()).after().status());
    }

    @Test
    void shiftTimeoutRollsBack() {
        Deployment d = verified(false);
        Transition t = SM.tick(d, d.currentStage().deadline());
        assertEquals(ROLLING_BACK, t.after().status());
        assertEquals(List.of(FailureType.TIMEOUT, Stage.SWITCH, FailureAction.ROLLBACK), failure(t.after()));
    }

    // ---- rollback strategies -------------------------------------------------------------------------------

    @Test
    void immediateRollbackByDefault() {
        Transition t = SM.on(analysing(2), analysis(2, Verdict.FAIL), T0);
        StartRollback r = (StartRollback) command(t);
        assertEquals("immediate", r.strategy());
        assertEquals("blue", r.stableSlot());
        assertEquals("green", r.failedSlot());
        assertNull(r.steps());
        Deployment done = SM.on(t.after(), rollbackCompleted(), T0).after();
        assertEquals(ROLLED_BACK, done.status());
        // the analysis of step 3/4 (50 %) failed
        assertEquals(List.of(FailureType.APPLICATION_FAILURE, Stage.ANALYSIS, FailureAction.ROLLBACK), failure(done));
        assertEquals(2, done.rollout().step());
        assertEquals(3, done.analyses().size());
        assertEquals(Verdict.FAIL, done.analyses().get(2).verdict());
        assertEquals(50, done.analyses().get(2).canaryWeight());
    }

    @Test
    void gradualRollbackGoesBackThroughThePassedWeights() {
        Transition t = SM.on(analysing(2, "rollback.strategy", "gradual", "rollback.step-interval-ms", 2000),
                analysis(2, Verdict.FAIL), T0);
        StartRollback r = (StartRollback) command(t);
        assertEquals("gradual", r.strategy());
        assertEquals(List.of(25, 5, 0), r.steps());
        assertEquals(2000L, r.stepIntervalMs());
        assertEquals("http://127.0.0.1:40100", r.stableHealthUrl());
        // a restart re-issues exactly the same rollback
        StartRollback again = (StartRollback) SM.reissue(t.after(), T0).get(0);
        assertEquals(r.steps(), again.steps());
        assertEquals(r.strategy(), again.strategy());
        Transition atFirstStep = SM.on(analysing(0, "rollback.strategy", "gradual"), analysis(0, Verdict.FAIL), T0);
        assertEquals(List.of(0), ((StartRollback) command(atFirstStep)).steps());
    }

    @Test
    void manualRollbackWaitsForAnOperator() {
        Transition t = SM.on(analysing(1, "rollback.strategy", "manual"), analysis(1, Verdict.FAIL), T0);
        Deployment d = t.after();
        assertEquals(PAUSED, d.status());
        assertEquals(HoldKind.MANUAL_ROLLBACK, d.hold().kind());
        // the rollback-service holds a manual plan until the operator decides (re-issued after a restart)
        StartRollback waiting = (StartRollback) command(t);
        assertEquals("manual", waiting.strategy());
        assertEquals("blue", waiting.stableSlot());
        assertEquals("green", waiting.failedSlot());
        assertEquals(waiting.strategy(), ((StartRollback) SM.reissue(d, T0).get(0)).strategy());
        assertEquals(List.of(FailureType.APPLICATION_FAILURE, Stage.ANALYSIS, FailureAction.PAUSE), failure(d));
        assertEquals(1, d.rollout().step());
        ActionNotAllowedException e = assertThrows(ActionNotAllowedException.class,
                () -> SM.act(d, Kind.RESUME, null, null, T0));
        assertTrue(e.getMessage().contains("rollback"));
        Transition rb = SM.act(d, Kind.ROLLBACK, "alice", "confirmed", T0);
        StartRollback r = (StartRollback) command(rb);
        assertEquals("immediate", r.strategy());
        assertEquals(ROLLING_BACK, rb.after().status());
        assertEquals(new OperatorAction("rollback", PAUSED, "alice", "confirmed", T0), rb.after().actions().get(0));
        // the operator's rollback replaces the waiting plan (same deployment), so abort does too
        assertEquals("immediate", ((StartRollback) command(SM.act(d, Kind.ABORT, null, null, T0))).strategy());
        // or the operator overrides it: straight to 100 %, and the waiting plan is cancelled
        Transition promoted = SM.act(d, Kind.PROMOTE, null, null, T0);
        List<Command> after = commands(promoted);
        assertEquals(2, after.size(), () -> "commands: " + after);
        assertEquals(Map.of("green", 100, "blue", 0), ((ShiftTraffic) after.get(0)).weights());
        assertInstanceOf(CancelRollback.class, after.get(1));
        assertNull(promoted.after().rollbackPlan());
    }

    @Test
    void rollbackCompletionNeverRunsAnotherAnalysis() {
        Transition t = SM.on(analysing(1), analysis(1, Verdict.FAIL), T0);
        Deployment d = SM.on(t.after(), rollbackCompleted(), T0).after();
        long analyses = Stream.of(t).flatMap(x -> x.messages().stream()).filter(RunAnalysis.class::isInstance).count();
        assertEquals(0, analyses);
        assertEquals(ROLLED_BACK, d.status());
    }

    // ---- operator actions ----------------------------------------------------------------------------------

    @Test
    void promoteSkipsTheRemainingSteps() {
        Transition t = SM.act(analysing(0), Kind.PROMOTE, "bob", "looks good", T0);
        assertEquals(PROGRESSING, t.after().status());
        assertEquals(3, t.after().rollout().step());
        assertEquals(Map.of("green", 100, "blue", 0), ((ShiftTraffic) command(t)).weights());
        Deployment monitoring = shiftedStep(t.after());
        assertEquals(MONITORING, monitoring.status());
        // promote again while watching: skip the watch, release the stable slot
        Transition finish = SM.act(monitoring, Kind.PROMOTE, null, null, T0);
        assertEquals(CLEANING_UP, finish.after().status());
        assertEquals("blue", ((ReleaseSlot) command(finish)).slot());
    }

    @Test
    void pauseHoldsAndTheArrivingVerdictIsRecordedButNotActedOn() {
        Transition paused = SM.act(analysing(1), Kind.PAUSE, null, "checking dashboards", T0);
        Deployment d = paused.after();
        assertEquals(PAUSED, d.status());
        assertEquals(List.of(), commands(paused));
        assertNull(d.currentStage().deadline(), "a pause has no deadline");
        Transition verdict = SM.on(d, analysis(1, Verdict.FAIL), T0);
        assertEquals(PAUSED, verdict.after().status());
        assertEquals(List.of(), verdict.messages());
        assertEquals("recorded while paused; not acted on", verdict.after().analyses().get(1).action());
        Transition resumed = SM.act(verdict.after(), Kind.RESUME, null, null, T0);
        assertEquals(PROGRESSING, resumed.after().status());
        RunAnalysis again = (RunAnalysis) command(resumed);
        assertEquals(1, again.step());
    }

    @Test
    void resumeAfterAnInconclusiveVerdictGoesToTheNextStep() {
        Deployment d = SM.on(analysing(1), analysis(1, Verdict.INCONCLUSIVE), T0).after();
        assertEquals(PAUSED, d.status());
        assertEquals(HoldKind.ANALYSIS, d.hold().kind());
        assertEquals(Verdict.INCONCLUSIVE, d.analyses().get(d.analyses().size() - 1).verdict());
        Transition resumed = SM.act(d, Kind.RESUME, null, null, T0);
        assertEquals(Map.of("green", 50, "blue", 50), ((ShiftTraffic) command(resumed)).weights());
    }

    @Test
    void abortRollsBackImmediatelyWhateverTheConfiguredStrategy() {
        Transition t = SM.act(analysing(2, "rollback.strategy", "manual"), Kind.ABORT, null, null, T0);
        StartRollback r = (StartRollback) command(t);
        assertEquals("immediate", r.strategy());
        assertEquals("aborted by operator", r.reason());
        Deployment done = SM.on(t.after(), rollbackCompleted(), T0).after();
        assertEquals(ROLLED_BACK, done.status());
        assertEquals(List.of("abort"), done.actions().stream().map(OperatorAction::action).toList());
        assertEquals(List.of(), done.failures(), "an abort is no failure");
    }

    @Test
    void abortBeforeTrafficReleasesTheNewSlot() {
        Deployment provisioning = Fixtures.in(SM, DeploymentStatus.PROVISIONING, false);
        Transition t = SM.act(provisioning, Kind.ABORT, null, null, T0);
        assertEquals(CLEANING_UP, t.after().status());
        assertEquals("green", ((ReleaseSlot) command(t)).slot());
        assertEquals(ROLLED_BACK, SM.on(t.after(), released("green", "abort"), T0).after().status());
        Deployment configuring = Fixtures.in(SM, DeploymentStatus.CONFIGURING, false);
        assertEquals(ROLLED_BACK, SM.act(configuring, Kind.ABORT, null, null, T0).after().status());
    }

    @Test
    void operatorRollbackUsesTheConfiguredStrategy() {
        Transition t = SM.act(analysing(1, "rollback.strategy", "gradual"), Kind.ROLLBACK, null, null, T0);
        assertEquals(List.of(5, 0), ((StartRollback) command(t)).steps());
    }

    public static Stream<Arguments> notAllowed() {
        return Stream.of(
                Arguments.of(Kind.PAUSE, MONITORING), Arguments.of(Kind.RESUME, PROGRESSING),
                Arguments.of(Kind.APPROVE, PROGRESSING), Arguments.of(Kind.ABORT, ROLLING_BACK),
                Arguments.of(Kind.ROLLBACK, ROLLING_BACK), Arguments.of(Kind.PROMOTE, ROLLING_BACK),
                Arguments.of(Kind.PROMOTE, SUCCEEDED), Arguments.of(Kind.ABORT, ROLLED_BACK),
                Arguments.of(Kind.ROLLBACK, DeploymentStatus.CONFIGURING),
                Arguments.of(Kind.PROMOTE, DeploymentStatus.VERIFYING));
    }

    @ParameterizedTest(name = "{0} in {1} -> not allowed")
    @MethodSource("notAllowed")
    void actionsNotAllowedInTheStatus(Kind kind, DeploymentStatus status) {
        Deployment d = switch (status) {
            case PROGRESSING -> analysing(0);
            case MONITORING -> shiftedStep(SM.act(analysing(0), Kind.PROMOTE, null, null, T0).after());
            case ROLLING_BACK -> SM.on(analysing(0), analysis(0, Verdict.FAIL), T0).after();
            case ROLLED_BACK -> SM.on(SM.on(analysing(0), analysis(0, Verdict.FAIL), T0).after(), rollbackCompleted(),
                    T0).after();
            case SUCCEEDED -> Fixtures.in(SM, SUCCEEDED, false);
            default -> Fixtures.in(SM, status, false);
        };
        assertEquals(status, d.status());
        assertThrows(ActionNotAllowedException.class, () -> SM.act(d, kind, null, null, T0));
    }

    // ---- approval gate -------------------------------------------------------------------------------------

    @Test
    void approvalGateHoldsBeforeOneHundredPercent() {
        Deployment d = analysing(2, "pipeline.approval-before-promote", true);
        Transition gate = SM.on(d, analysis(2, Verdict.PASS), T0);
        assertEquals(AWAITING_APPROVAL, gate.after().status());
        assertEquals(List.of(), commands(gate));
        assertEquals("approval", gate.after().stage());
        Transition approved = SM.act(gate.after(), Kind.APPROVE, "carol", "change ticket 42", T0);
        assertEquals(Map.of("green", 100, "blue", 0), ((ShiftTraffic) command(approved)).weights());
        assertTrue(approved.after().approved());
        Deployment monitoring = shiftedStep(approved.after());
        Deployment cleaning = SM.on(monitoring, health("post-switch", "green", true), T0).after();
        assertEquals(CLEANING_UP, cleaning.status(), "approved once: no second gate");
    }

    @Test
    void approvalTimesOutIntoARollback() {
        Deployment gated = SM.on(analysing(2, "pipeline.approval-before-promote", true,
                "pipeline.approval-timeout-ms", 60000), analysis(2, Verdict.PASS), T0).after();
        assertEquals(T0.plusSeconds(60), gated.currentStage().deadline());
        Transition t = SM.tick(gated, T0.plusSeconds(60));
        assertEquals(ROLLING_BACK, t.after().status());
        assertEquals(List.of(FailureType.TIMEOUT, Stage.APPROVAL, FailureAction.ROLLBACK), failure(t.after()));
    }

    @Test
    void blueGreenGateKeepsTheOldSlotUntilApproved() {
        Deployment d = SM.accept(Fixtures.ID, "c-1", new DeploymentRequest("shop", "production", "2.0.0", "a.jar",
                "blue-green", Map.of()), new SlotPlan("green", "blue", "1.0.0"), null, T0).after();
        d = SM.start(d, T0).after();
        d = Fixtures.configured(SM, d, configResolved(config("pipeline.approval-before-promote", true))).after();
        d = SM.on(d, provisioned("green"), T0).after();
        d = SM.on(d, health("pre-switch", "green", true), T0).after();
        d = SM.on(d, shifted("switch", "green", 100, "blue", 0), T0).after();
        d = SM.on(d, health("post-switch", "green", true), T0).after();
        assertEquals(AWAITING_APPROVAL, d.status());
        assertTrue(d.stages().stream().anyMatch(s -> s.name().equals("monitor")));
        Transition approved = SM.act(d, Kind.APPROVE, null, null, T0);
        assertEquals(CLEANING_UP, approved.after().status());
        assertEquals("blue", ((ReleaseSlot) command(approved)).slot());
        assertEquals(SUCCEEDED, SM.on(approved.after(), released("blue", "cleanup"), T0).after().status());
    }

    // ---- durability ----------------------------------------------------------------------------------------

    @Test
    void everyCanaryStateSurvivesASnapshotRoundTripAndReissues() {
        List<Deployment> states = List.of(verified(false), analysing(2), SM.on(analysing(1),
                analysis(1, Verdict.INCONCLUSIVE), T0).after(), SM.on(analysing(2, "rollback.strategy", "gradual"),
                analysis(2, Verdict.FAIL), T0).after(), SM.on(analysing(2, "pipeline.approval-before-promote", true),
                analysis(2, Verdict.PASS), T0).after());
        for (Deployment d : states) {
            Deployment restored = dev.cutover.orchestrator.store.SnapshotCodec.decode(
                    dev.cutover.orchestrator.store.SnapshotCodec.encode(d));
            assertEquals(d, restored);
            assertEquals(SM.reissue(d, T0).stream().map(m -> m.getClass()).toList(),
                    SM.reissue(restored, T0).stream().map(m -> m.getClass()).toList());
        }
    }
}
