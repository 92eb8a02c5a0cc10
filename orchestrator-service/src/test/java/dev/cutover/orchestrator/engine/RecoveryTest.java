package dev.cutover.orchestrator.engine;

import dev.cutover.events.Command;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.DeploymentEvent.Failure;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Event;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.Message;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.FailureAction;
import dev.cutover.orchestrator.model.FailureRecord;
import dev.cutover.orchestrator.model.FailureType;
import dev.cutover.orchestrator.model.OperatorAction;
import dev.cutover.orchestrator.model.Severity;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.settings.RecoveryPolicy;
import dev.cutover.orchestrator.settings.StageTimeouts;
import dev.cutover.orchestrator.store.SnapshotCodec;
import dev.cutover.orchestrator.strategy.Strategies;
import dev.cutover.orchestrator.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.cutover.events.DeploymentStatus.CLEANING_UP;
import static dev.cutover.events.DeploymentStatus.CONFIGURING;
import static dev.cutover.events.DeploymentStatus.FAILED;
import static dev.cutover.events.DeploymentStatus.MONITORING;
import static dev.cutover.events.DeploymentStatus.PROVISIONING;
import static dev.cutover.events.DeploymentStatus.ROLLING_BACK;
import static dev.cutover.events.DeploymentStatus.SUCCEEDED;
import static dev.cutover.events.DeploymentStatus.SWITCHING;
import static dev.cutover.events.DeploymentStatus.VERIFYING;
import static dev.cutover.orchestrator.testing.Fixtures.T0;
import static dev.cutover.orchestrator.testing.Fixtures.TARGET;
import static dev.cutover.orchestrator.testing.Fixtures.health;
import static dev.cutover.orchestrator.testing.Fixtures.meta;
import static dev.cutover.orchestrator.testing.Fixtures.provisioned;
import static dev.cutover.orchestrator.testing.Fixtures.released;
import static dev.cutover.orchestrator.testing.Fixtures.shifted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Classified failures and the recovery policy (retry before the switch), on the pure state machine. */
class RecoveryTest {

    private static final DeploymentStateMachine SM = new DeploymentStateMachine(StageTimeouts.DEFAULTS, Strategies.ALL);

    /** The fixture's configuration with the default recovery policy (3 attempts, 60 s / 30 s). */
    private static ConfigResolved withRecovery(Map<String, Object> recovery) {
        Map<String, Object> config = new LinkedHashMap<>(Fixtures.config());
        if (recovery == null) {
            config.remove("recovery");
        } else {
            config.put("recovery", recovery);
        }
        return Fixtures.configResolved(config);
    }

    /** Over a stable blue, new = green, in PROVISIONING with the given recovery policy. */
    private static Deployment provisioning(Map<String, Object> recovery) {
        Deployment d = SM.start(Fixtures.pending(SM, false), T0).after();
        return Fixtures.configured(SM, d, withRecovery(recovery)).after();
    }

    private static ProvisioningFailed failed(String reason) {
        return new ProvisioningFailed(meta(), TARGET, "green", "provision", reason);
    }

    private static List<Command> commands(Transition t) {
        return t.messages().stream().filter(Command.class::isInstance).map(Command.class::cast).toList();
    }

    private static DeploymentStatusChanged statusEvent(Transition t) {
        return t.messages().stream().filter(DeploymentStatusChanged.class::isInstance)
                .map(DeploymentStatusChanged.class::cast).findFirst().orElseThrow();
    }

    // ---- retry → success ------------------------------------------------------------------------------------

    @Test
    void infrastructureFailureIsRetriedAfterTheDelayThenSucceeds() {
        Deployment d = provisioning(null);
        assertEquals(1, d.attempt());

        Instant failedAt = T0.plusSeconds(5);
        Transition t = SM.on(d, failed("process exited with code 1"), failedAt);
        Deployment waiting = t.after();
        assertEquals(PROVISIONING, waiting.status(), "retry-in-progress keeps PROVISIONING");
        assertEquals(Stage.RETRY, waiting.stage());
        assertEquals(2, waiting.attempt());
        assertEquals(failedAt.plusSeconds(60), waiting.currentStage().deadline(), "absolute retry time");
        // the failed attempt's leftovers are released first (idempotent)
        ReleaseSlot release = assertInstanceOf(ReleaseSlot.class, commands(t).get(0));
        assertEquals("green", release.slot());
        assertEquals("retry", release.reason());
        FailureRecord f = waiting.lastFailure();
        assertEquals(FailureType.INFRASTRUCTURE_FAILURE, f.type());
        assertEquals(Severity.MEDIUM, f.severity());
        assertTrue(f.recoverable());
        assertEquals(FailureAction.RETRY, f.action());
        assertEquals("retry 2/3 in 60s", f.actionTaken());
        assertEquals(1, f.attempt());
        assertEquals(Stage.PROVISION, f.stage());
        assertEquals(failedAt, f.at());
        Failure event = statusEvent(t).failure();
        assertEquals(new Failure("INFRASTRUCTURE_FAILURE", "MEDIUM", true, f.suggestedAction(), "retry 2/3 in 60s",
                1), event);
        assertEquals("retry 2/3 in 60s", event.actionTaken());
        assertEquals(1, event.attempt());

        // replies about the failed attempt and its release change nothing while waiting
        assertFalse(SM.on(waiting, released("green", "retry"), failedAt).changed());
        assertFalse(SM.on(waiting, failed("process exited with code 1"), failedAt).changed());
        assertFalse(SM.tick(waiting, failedAt.plusSeconds(59)).changed(), "not before the retry time");

        Transition retry = SM.tick(waiting, failedAt.plusSeconds(60));
        assertEquals(PROVISIONING, retry.after().status());
        assertEquals(Stage.PROVISION, retry.after().stage());
        ProvisionSlot again = assertInstanceOf(ProvisionSlot.class, commands(retry).get(0));
        assertEquals("green", again.slot());
        assertEquals("2.0.0", again.version());
        assertEquals("file:/apps/shop.jar", again.artifact());
        assertNull(statusEvent(retry).failure(), "the retry itself is not a failure");

        Deployment ok = retry.after();
        for (Event e : List.<Event>of(provisioned("green"), health("pre-switch", "green", true),
                shifted("switch", "green", 100, "blue", 0), health("post-switch", "green", true),
                released("blue", "cleanup"))) {
            ok = SM.on(ok, e, failedAt.plusSeconds(61)).after();
        }
        assertEquals(SUCCEEDED, ok.status());
        assertEquals(2, ok.attempt());
        assertEquals(1, ok.failures().size());
        assertEquals(List.of("config", "plan", "provision", "retry", "provision", "verify", "switch", "monitor", "cleanup"),
                ok.stages().stream().map(Stage::name).toList());
    }

    @Test
    void preSwitchHealthFailureIsATransientApplicationFailureRetriedAfterTheApplicationDelay() {
        Deployment verifying = SM.on(provisioning(null), provisioned("green"), T0).after();
        Transition t = SM.on(verifying, health("pre-switch", "green", false), T0);
        assertEquals(PROVISIONING, t.after().status());
        assertEquals(T0.plusSeconds(30), t.after().currentStage().deadline());
        assertEquals(FailureType.HEALTH_CHECK_FAILURE, t.after().lastFailure().type());
        assertEquals(Stage.VERIFY, t.after().lastFailure().stage());
        assertEquals(FailureAction.RETRY, t.after().lastFailure().action());
        assertEquals(Stage.RETRY, t.after().stage());
        assertEquals(2, t.after().attempt());
    }

    @Test
    void delaysAndAttemptsComeFromTheConfiguration() {
        Deployment d = provisioning(Map.of("max-attempts", 5, "infrastructure-retry-delay-ms", 1500));
        Transition t = SM.on(d, failed("exited"), T0);
        assertEquals(T0.plusMillis(1500), t.after().currentStage().deadline());
        assertEquals("retry 2/5 in 1.5s", t.after().lastFailure().actionTaken());
    }

    // ---- exhausted, not retried -----------------------------------------------------------------------------

    @Test
    void exhaustedAttemptsEndFailedWithTheLastClassification() {
        Deployment d = provisioning(Map.of("max-attempts", 2, "infrastructure-retry-delay-ms", 1000));
        Instant now = T0;
        d = SM.on(d, failed("exited"), now).after();
        d = SM.tick(d, now = now.plusSeconds(1)).after();
        assertEquals(2, d.attempt());

        Transition last = SM.on(d, failed("start timeout after 30s"), now);
        assertEquals(CLEANING_UP, last.after().status());
        assertInstanceOf(ReleaseSlot.class, commands(last).get(0));
        FailureRecord f = last.after().lastFailure();
        assertEquals(FailureType.INFRASTRUCTURE_FAILURE, f.type());
        assertEquals(2, f.attempt());
        assertEquals(FailureAction.RELEASE, f.action());
        // the one wording check here: the operator is told why it was not retried
        assertTrue(f.actionTaken().contains("no attempts left (2/2)"), f.actionTaken());

        Transition end = SM.on(last.after(), released("green", "abort"), now);
        assertEquals(FAILED, end.after().status());
        assertEquals(2, end.after().failures().size());
        assertEquals(f.toEvent(), statusEvent(end).failure(), "the final FAILED carries the failure that caused it");
    }

    @Test
    void missingSecretIsAConfigurationErrorAndIsNotRetried() {
        Transition t = SM.on(provisioning(null), failed("configuration error: secret db-password not found"), T0);
        assertEquals(CLEANING_UP, t.after().status(), "released, never provisioned again");
        assertEquals(1, t.after().attempt());
        FailureRecord f = t.after().lastFailure();
        assertEquals(FailureType.CONFIGURATION_ERROR, f.type());
        assertFalse(f.recoverable());
        assertEquals(FailureAction.STOP, f.action());
        assertTrue(f.actionTaken().startsWith("stopped: fix the configuration"), f.actionTaken());
        assertEquals(FAILED, SM.on(t.after(), released("green", "abort"), T0).after().status());
    }

    @Test
    void rejectedConfigurationStopsAtOnce() {
        Deployment configuring = SM.start(Fixtures.pending(SM, false), T0).after();
        assertEquals(CONFIGURING, configuring.status());
        Transition t = SM.on(configuring, Fixtures.configRejected(), T0);
        assertEquals(FAILED, t.after().status());
        assertEquals(List.of(), commands(t));
        FailureRecord f = t.after().lastFailure();
        assertEquals(FailureType.CONFIGURATION_ERROR, f.type());
        assertEquals("stopped: fix the configuration", f.actionTaken());
        assertEquals("CONFIGURATION_ERROR", statusEvent(t).failure().type());

        Transition invalid = SM.on(configuring, Fixtures.configResolved(Map.of("router", Map.of("port", -1))), T0);
        assertEquals(FAILED, invalid.after().status());
        assertEquals(FailureType.CONFIGURATION_ERROR, invalid.after().lastFailure().type());
    }

    // ---- timeouts and failures after the switch -------------------------------------------------------------

    static Stream<Arguments> timeouts() {
        return Stream.of(
                // before the switch: retried (provision: infrastructure delay; verify: application delay)
                Arguments.of(PROVISIONING, PROVISIONING, true, "retry 2/3 in 60s", ProvisionSlot.class),
                Arguments.of(VERIFYING, PROVISIONING, true, "retry 2/3 in 30s", RunHealthCheck.class),
                // after it: roll back
                Arguments.of(SWITCHING, ROLLING_BACK, false, "rollback (immediate)", ShiftTraffic.class),
                Arguments.of(MONITORING, ROLLING_BACK, false, "rollback (immediate)", RunHealthCheck.class),
                Arguments.of(CONFIGURING, FAILED, false, "stopped", null));
    }

    @ParameterizedTest(name = "timeout in {0} -> {1}: {3}")
    @MethodSource("timeouts")
    void timeoutsAreClassified(DeploymentStatus at, DeploymentStatus expected, boolean recoverable, String action,
                               Class<? extends Command> unused) {
        Deployment d = provisioning(null);
        List<Event> path = List.of(provisioned("green"), health("pre-switch", "green", true),
                shifted("switch", "green", 100, "blue", 0));
        if (at == CONFIGURING) {
            d = SM.start(Fixtures.pending(SM, false), T0).after();
        }
        for (Event e : path) {
            if (d.status() == at) {
                break;
            }
            d = SM.on(d, e, T0).after();
        }
        assertEquals(at, d.status());
        Transition t = SM.tick(d, d.currentStage().deadline());
        assertEquals(expected, t.after().status());
        FailureRecord f = t.after().lastFailure();
        assertNotNull(f);
        assertEquals(FailureType.TIMEOUT, f.type());
        assertEquals(recoverable, f.recoverable());
        assertEquals(action, f.actionTaken());
        assertEquals("TIMEOUT", statusEvent(t).failure().type());
    }

    @Test
    void postSwitchFailureIsAPersistentApplicationFailureAndRollsBack() {
        Deployment monitoring = Fixtures.in(SM, MONITORING, false);
        Transition t = SM.on(monitoring, health("post-switch", "green", false), T0);
        assertEquals(ROLLING_BACK, t.after().status());
        assertInstanceOf(StartRollback.class, commands(t).get(0));
        FailureRecord f = t.after().lastFailure();
        assertEquals(FailureType.APPLICATION_FAILURE, f.type());
        assertEquals(Severity.HIGH, f.severity());
        assertFalse(f.recoverable());
        assertEquals("rollback (immediate)", f.actionTaken());
        assertEquals(Stage.MONITOR, f.stage());

        Transition failed = SM.on(t.after(), Fixtures.rollbackFailed(), T0);
        assertEquals(FAILED, failed.after().status());
        FailureRecord critical = failed.after().lastFailure();
        assertEquals(FailureType.ROLLBACK_FAILURE, critical.type());
        assertEquals(Severity.CRITICAL, critical.severity());
        assertEquals("stopped: manual intervention needed", critical.actionTaken());
    }

    @Test
    void firstDeploymentPostSwitchFailureReleasesTheNewSlot() {
        Transition t = SM.on(Fixtures.in(SM, MONITORING, true), health("post-switch", "blue", false), T0);
        assertEquals(CLEANING_UP, t.after().status());
        assertTrue(t.after().lastFailure().actionTaken().contains("first deployment"),
                t.after().lastFailure().actionTaken());
    }

    // ---- durability -----------------------------------------------------------------------------------------

    @Test
    void aRestartDuringTheWaitResumesTheSameRetry() {
        Deployment waiting = SM.on(provisioning(null), failed("exited"), T0).after();
        Deployment restored = SnapshotCodec.decode(SnapshotCodec.encode(waiting));
        assertEquals(waiting, restored);
        List<Message> reissued = SM.reissue(restored, T0.plusSeconds(10));
        assertEquals("retry", assertInstanceOf(ReleaseSlot.class, reissued.get(0)).reason());
        assertEquals(T0.plusSeconds(60), restored.currentStage().deadline(), "the deadline did not move");
        Transition retry = SM.tick(restored, T0.plusSeconds(60));
        assertInstanceOf(ProvisionSlot.class, commands(retry).get(0));
    }

    @Test
    void abortWhileWaitingReleasesTheSlot() {
        Deployment waiting = SM.on(provisioning(null), failed("exited"), T0).after();
        Transition t = SM.act(waiting, OperatorAction.Kind.ABORT, "ops", null, T0);
        assertEquals(CLEANING_UP, t.after().status());
        assertInstanceOf(ReleaseSlot.class, commands(t).get(0));
    }

    @Test
    void snapshotsWithoutRecoveryOrFailuresStillLoad() {
        String old = new String(SnapshotCodec.encode(Fixtures.in(SM, MONITORING, false)))
                .replaceAll(",\"attempt\":1", "").replaceAll(",\"recovery\":\\{[^}]*}", "");
        assertFalse(old.contains("\"attempt\""));
        Deployment d = SnapshotCodec.decode(old.getBytes());
        assertEquals(1, d.attempt());
        assertEquals(RecoveryPolicy.DEFAULTS, d.settings().recovery());
        assertEquals(List.of(), d.failures());
        assertEquals(Duration.ZERO, Duration.between(d.createdAt(), T0));
    }
}
