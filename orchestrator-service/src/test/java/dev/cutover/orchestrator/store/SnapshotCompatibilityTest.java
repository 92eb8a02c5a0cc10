package dev.cutover.orchestrator.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.events.Command;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.orchestrator.engine.DeploymentStateMachine;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.FailureAction;
import dev.cutover.orchestrator.model.FailureType;
import dev.cutover.orchestrator.model.HoldKind;
import dev.cutover.orchestrator.model.OperatorAction;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.settings.StageTimeouts;
import dev.cutover.orchestrator.strategy.Strategies;
import dev.cutover.orchestrator.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import static dev.cutover.orchestrator.testing.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Snapshots written by the orchestrator before its engine was split into packages and its kinds became types
 * ({@code src/test/resources/snapshots/v0.1.0}): they load, write back to the same JSON, and resume — the command
 * of their stage is issued again and the next reply moves them on.
 */
class SnapshotCompatibilityTest {

    private static final DeploymentStateMachine SM = new DeploymentStateMachine(StageTimeouts.DEFAULTS, Strategies.ALL);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static byte[] raw(String name) {
        try (InputStream in = SnapshotCompatibilityTest.class.getResourceAsStream("/snapshots/v0.1.0/" + name + ".json")) {
            assertNotNull(in, name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Deployment load(String name) {
        return SnapshotCodec.decode(raw(name));
    }

    private static Command reissued(Deployment d) {
        List<dev.cutover.events.Message> out = SM.reissue(d, T0);
        assertEquals(1, out.size(), () -> "reissued: " + out);
        return assertInstanceOf(Command.class, out.get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"blue-green-monitoring", "blue-green-cleaning-up", "blue-green-rolling-back",
            "blue-green-retry", "canary-analysing-step-1", "canary-paused-analysis", "canary-rolling-back-gradual",
            "canary-paused-manual-rollback", "canary-awaiting-approval", "rolling-progressing", "rolling-restoring"})
    void writesBackTheSameJson(String name) throws IOException {
        JsonNode before = JSON.readTree(raw(name));
        JsonNode after = JSON.readTree(SnapshotCodec.encode(load(name)));
        assertEquals(before, after, name);
    }

    @Test
    void blueGreenInMonitoringWatchesAgainAndFinishes() {
        Deployment d = load("blue-green-monitoring");
        RunHealthCheck watch = assertInstanceOf(RunHealthCheck.class, reissued(d));
        assertEquals("post-switch", watch.phase());
        Deployment next = SM.on(d, Fixtures.health("post-switch", d.slot(), true), T0).after();
        assertEquals(DeploymentStatus.CLEANING_UP, next.status());
        assertEquals("blue", assertInstanceOf(ReleaseSlot.class, reissued(next)).slot());
    }

    @Test
    void aRetryWaitKeepsItsRecordAndItsAbsoluteRetryTime() {
        Deployment d = load("blue-green-retry");
        assertEquals(FailureAction.RETRY, d.lastFailure().action());
        assertEquals(FailureType.INFRASTRUCTURE_FAILURE, d.lastFailure().type());
        assertEquals("retry", assertInstanceOf(ReleaseSlot.class, reissued(d)).reason());
        Transition early = SM.tick(d, d.currentStage().deadline().minusMillis(1));
        assertEquals(d, early.after());
        Deployment retried = SM.tick(d, d.currentStage().deadline()).after();
        assertEquals("provision", retried.stage());
        ProvisionSlot again = assertInstanceOf(ProvisionSlot.class, reissued(retried));
        // recorded before targets were typed: no plan stage, and local processes with one instance, as then
        assertEquals(null, again.placement());
        assertEquals(1, again.instances());
        assertEquals(null, retried.infrastructure());
    }

    @Test
    void anAnalysisPauseResumesIntoTheNextStep() {
        Deployment d = load("canary-paused-analysis");
        assertEquals(HoldKind.ANALYSIS, d.hold().kind());
        Deployment resumed = SM.act(d, OperatorAction.Kind.RESUME, "ops", null, T0).after();
        assertEquals(DeploymentStatus.PROGRESSING, resumed.status());
        assertEquals(d.rollout().step() + 1, resumed.rollout().step());
    }

    @Test
    void aManualRollbackPauseRollsBackOnRequest() {
        Deployment d = load("canary-paused-manual-rollback");
        assertEquals(HoldKind.MANUAL_ROLLBACK, d.hold().kind());
        assertEquals(FailureAction.PAUSE, d.lastFailure().action());
        Deployment rolling = SM.act(d, OperatorAction.Kind.ROLLBACK, "ops", "bad", T0).after();
        assertEquals(DeploymentStatus.ROLLING_BACK, rolling.status());
        assertInstanceOf(StartRollback.class, reissued(rolling));
    }

    @Test
    void aGradualRollbackIsIssuedAgainWithItsStepsAndEnds() {
        Deployment d = load("canary-rolling-back-gradual");
        StartRollback again = assertInstanceOf(StartRollback.class, reissued(d));
        assertEquals("gradual", again.strategy());
        assertEquals(List.of(25, 5, 0), again.steps());
        Deployment done = SM.on(d, Fixtures.rollbackCompleted(), T0).after();
        assertEquals(DeploymentStatus.ROLLED_BACK, done.status());
    }

    @Test
    void anApprovalHoldIsApprovedIntoTheLastStep() {
        Deployment d = load("canary-awaiting-approval");
        assertEquals(HoldKind.APPROVAL, d.hold().kind());
        Deployment approved = SM.act(d, OperatorAction.Kind.APPROVE, "lead", null, T0).after();
        assertEquals(DeploymentStatus.PROGRESSING, approved.status());
        assertEquals(100, approved.rollout().weight());
    }

    @Test
    void rollingResumesItsReleaseAndItsRestore() {
        Deployment releasing = load("rolling-progressing");
        ReleaseSlot release = assertInstanceOf(ReleaseSlot.class, reissued(releasing));
        assertEquals(releasing.rolling().victim(), release.slot());

        Deployment restoring = load("rolling-restoring");
        ProvisionSlot restore = assertInstanceOf(ProvisionSlot.class, reissued(restoring));
        assertEquals(restoring.rolling().restoring(), restore.slot());
        assertEquals(restoring.stableVersion(), restore.version());
    }
}
