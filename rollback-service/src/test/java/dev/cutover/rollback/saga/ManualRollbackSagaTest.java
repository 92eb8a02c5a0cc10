package dev.cutover.rollback.saga;

import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.RollbackCommand.CancelRollback;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.RollbackEvent.RollbackStarted;
import dev.cutover.rollback.strategy.GradualRollbackStrategy;
import dev.cutover.rollback.strategy.ImmediateRollbackStrategy;
import dev.cutover.rollback.strategy.ManualRollbackStrategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manual strategy through the saga: it waits for the operator, whose decision replaces or cancels it. */
class ManualRollbackSagaTest extends HandDrivenSagaTest {

    private static final Duration MANUAL_WAIT = Duration.ofHours(2);

    ManualRollbackSagaTest() {
        super(new ImmediateRollbackStrategy(), new GradualRollbackStrategy(), new ManualRollbackStrategy(MANUAL_WAIT));
    }

    private static StartRollback start(String deploymentId, String strategy) {
        return new StartRollback(Meta.start(deploymentId), SHOP, "blue", "green", strategy, "canary paused for a decision");
    }

    private static CancelRollback cancel(String deploymentId) {
        return new CancelRollback(Meta.start(deploymentId), SHOP, "promoted by operator");
    }

    @Test
    void waitsWithoutCommandsUntilAStartRollbackReplacesIt() {
        StartRollback manual = start("d1", "manual");
        RollbackStarted started = only(RollbackStarted.class, saga.start(manual));
        assertEquals("manual", started.strategy());
        assertEquals(manual.meta().messageId(), started.meta().causationId());
        assertEquals(1, saga.inProgress());
        assertEquals(List.of(), watch.started, "no timer, no watch: only the operator ends it");

        now.addAndGet(TIMEOUT.toMillis() * 10); // far past the provisioner timeout: the operator may take long
        assertEquals(List.of(), saga.expire());
        assertEquals(List.of(), saga.start(start("d1", "manual")), "the orchestrator re-issuing it after a restart");
        assertEquals(1, saga.inProgress());

        StartRollback decision = start("d1", "immediate");
        List<Message> out = saga.start(decision);
        assertEquals(2, out.size(), out.toString());
        assertEquals("immediate", assertInstanceOf(RollbackStarted.class, out.get(0)).strategy());
        ShiftTraffic shift = assertInstanceOf(ShiftTraffic.class, out.get(1));
        assertEquals(Map.of("blue", 100, "green", 0), shift.weights());
        assertEquals(decision.meta().messageId(), shift.meta().causationId());
        assertEquals(List.of(), saga.start(decision), "once traffic moves, a StartRollback is a duplicate again");

        now.addAndGet(150);
        ReleaseSlot release = only(ReleaseSlot.class, saga.onProvisionerEvent(shifted(shift)));
        assertEquals("green", release.slot());
        now.addAndGet(50);
        RollbackCompleted completed = completes(release, "immediate");
        assertEquals("blue", completed.stableSlot());
        assertEquals(150, completed.trafficRestoredMs(), "timed from the operator's decision");
        assertEquals(200, completed.durationMs());
        assertEquals(0, count("cutover.rollbacks", "outcome", "failed", "strategy", "manual"));
        assertEquals(0, count("cutover.rollbacks", "outcome", "cancelled", "strategy", "manual"));
    }

    @Test
    void aGradualDecisionReplacesItWithItsOwnSteps() {
        saga.start(start("d1", "manual"));
        StartRollback gradual = new StartRollback(Meta.start("d1"), SHOP, "blue", "green", "gradual", "operator: rollback",
                List.of(40, 0), 500L, null);
        List<Message> out = saga.start(gradual);
        assertEquals("gradual", assertInstanceOf(RollbackStarted.class, out.get(0)).strategy());
        assertEquals(Map.of("blue", 60, "green", 40), assertInstanceOf(ShiftTraffic.class, out.get(1)).weights());
        assertEquals(1, saga.inProgress());
    }

    @Test
    void cancelDropsItSilentlyAndALaterCancelIsIgnored() {
        saga.start(start("d1", "manual"));
        assertEquals(List.of(), saga.cancel(cancel("d1")));
        assertEquals(0, saga.inProgress());
        assertEquals(1, count("cutover.rollbacks", "outcome", "cancelled", "strategy", "manual"));

        assertEquals(List.of(), saga.cancel(cancel("d1")), "a duplicate cancel");
        now.addAndGet(MANUAL_WAIT.toMillis());
        assertEquals(List.of(), saga.expire(), "nothing left to fail");
        assertEquals(1, count("cutover.rollbacks", "outcome", "cancelled", "strategy", "manual"));
        assertEquals(0, count("cutover.rollbacks", "outcome", "failed", "strategy", "manual"));
        // after a cancel, the deployment may be rolled back afresh
        assertEquals("immediate", assertInstanceOf(RollbackStarted.class, saga.start(start("d1", "immediate")).get(0))
                .strategy());
    }

    @Test
    void cancelOfARollbackMovingTrafficOrOfAnUnknownOneIsIgnored() {
        assertEquals(List.of(), saga.cancel(cancel("never-started")));

        ShiftTraffic shift = (ShiftTraffic) saga.start(start("d1", "immediate")).get(1);
        assertEquals(List.of(), saga.cancel(cancel("d1")));
        assertEquals(1, saga.inProgress());
        assertInstanceOf(ReleaseSlot.class, saga.onProvisionerEvent(shifted(shift)).get(0));

        saga.start(start("d2", "manual"));
        ShiftTraffic decided = (ShiftTraffic) saga.start(start("d2", "immediate")).get(1);
        assertEquals(List.of(), saga.cancel(cancel("d2")), "the decision already moves traffic");
        assertEquals(2, saga.inProgress());
        assertEquals(Map.of("blue", 100, "green", 0), decided.weights());
        assertEquals(0, count("cutover.rollbacks", "outcome", "cancelled", "strategy", "manual"));
    }

    @Test
    void failsWhenNoDecisionComesWithinTheManualWait() {
        StartRollback manual = start("d1", "manual");
        saga.start(manual);
        now.addAndGet(MANUAL_WAIT.toMillis() - 1);
        assertEquals(List.of(), saga.expire());
        now.addAndGet(1);
        RollbackFailed failed = only(RollbackFailed.class, saga.expire());
        assertEquals("d1", failed.meta().deploymentId());
        assertEquals(manual.meta().messageId(), failed.meta().causationId());
        assertEquals(0, saga.inProgress());
        assertEquals(1, count("cutover.rollbacks", "outcome", "failed", "strategy", "manual"));
        assertEquals(List.of(), saga.cancel(cancel("d1")), "a cancel after the deadline finds nothing");
    }

    @Test
    void anInvalidDecisionFailsAndEndsTheWait() {
        saga.start(start("d1", "manual"));
        only(RollbackFailed.class, saga.start(start("d1", "gradual"))); // gradual without steps
        assertEquals(0, saga.inProgress(), "the waiting rollback was replaced, by a rejected one");
        now.addAndGet(MANUAL_WAIT.toMillis());
        assertEquals(List.of(), saga.expire(), "no second RollbackFailed from the old wait");
    }

    @Test
    void waitsArePerDeployment() {
        saga.start(start("d1", "manual"));
        saga.start(start("d2", "manual"));
        saga.cancel(cancel("d1"));
        assertEquals(1, saga.inProgress());
        assertTrue(saga.start(start("d2", "immediate")).get(1) instanceof ShiftTraffic);
    }
}
