package dev.cutover.orchestrator.service;

import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.orchestrator.engine.DeploymentStateMachine;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.SlotPlan;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.strategy.canary.CanaryStrategyTest;
import dev.cutover.orchestrator.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.cutover.events.DeploymentStatus.CONFIGURING;
import static dev.cutover.events.DeploymentStatus.QUEUED;
import static dev.cutover.events.DeploymentStatus.ROLLING_BACK;
import static dev.cutover.events.DeploymentStatus.SUCCEEDED;
import static dev.cutover.events.DeploymentStatus.SUPERSEDED;
import static dev.cutover.orchestrator.testing.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Queue and supersede at the state-machine level (DeploymentService picks which to start). */
class ConcurrencyTest {

    static final DeploymentStateMachine SM = CanaryStrategyTest.SM;

    static DeploymentRequest request(String onConflict) {
        return new DeploymentRequest("shop", "staging", "3.0.0", "b.jar", "canary", Map.of(), onConflict);
    }

    @Test
    void queuedWaitsWithoutCommandsThenStartsOnTheServingSlots() {
        Transition q = SM.queue("d-2", "c-2", request("queue"), "d-1", null, T0);
        assertEquals(QUEUED, q.after().status());
        assertNull(q.after().slot(), "the slot is chosen when it starts");
        assertEquals(QUEUED, ((DeploymentStatusChanged) q.messages().get(1)).status());
        assertEquals("queue", q.after().stage());
        // the one wording check here: only the reason says which deployment it waits for
        assertTrue(q.after().reason().contains("queued behind deployment d-1"));
        assertEquals(java.util.List.of(), SM.reissue(q.after(), T0));
        assertFalse(SM.tick(q.after(), T0.plusSeconds(86400)).changed(), "no deadline while queued");

        Deployment previous = Fixtures.in(SM, SUCCEEDED, false); // green serves 2.0.0
        Transition started = SM.dequeue(q.after(), SlotPlan.after(previous), T0);
        assertEquals(CONFIGURING, started.after().status());
        assertEquals("blue", started.after().slot());
        assertEquals("green", started.after().stableSlot());
        assertEquals("2.0.0", started.after().stableVersion());
    }

    @Test
    void supersedeRollsTheRunningOneBackImmediatelyAndEndsSuperseded() {
        Deployment running = CanaryStrategyTest.analysing(1, "rollback.strategy", "manual");
        Transition t = SM.supersede(running, "d-2", T0);
        assertEquals(ROLLING_BACK, t.after().status());
        StartRollback r = assertInstanceOf(StartRollback.class, CanaryStrategyTest.command(t));
        assertEquals("immediate", r.strategy());
        assertEquals("superseded by deployment d-2", r.reason());
        assertEquals(SUPERSEDED, SM.on(t.after(), Fixtures.rollbackCompleted(), T0).after().status());
        // before traffic moved it just ends
        assertEquals(SUPERSEDED, SM.supersede(Fixtures.in(SM, CONFIGURING, false), "d-2", T0).after().status());
        // a deployment already ending finishes as it would have
        Deployment rollingBack = SM.on(CanaryStrategyTest.analysing(0), CanaryStrategyTest.analysis(0, Verdict.FAIL),
                T0).after();
        assertFalse(SM.supersede(rollingBack, "d-2", T0).changed());
    }

    @Test
    void aSucceededDeploymentIsWhatRedeployCopies() {
        Deployment done = Fixtures.in(SM, SUCCEEDED, false);
        assertEquals(SUCCEEDED, done.status());
        assertEquals("2.0.0", done.version());
        assertEquals("file:/apps/shop.jar", done.artifact());
    }
}
