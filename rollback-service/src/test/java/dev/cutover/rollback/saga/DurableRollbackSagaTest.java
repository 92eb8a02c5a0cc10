package dev.cutover.rollback.saga;

import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.RollbackEvent.RollbackStarted;
import dev.cutover.events.RollbackEvent.RollbackStepCompleted;
import dev.cutover.rollback.strategy.GradualRollbackStrategy;
import dev.cutover.rollback.strategy.ImmediateRollbackStrategy;
import dev.cutover.rollback.strategy.ManualRollbackStrategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The saga's rollbacks outlive it: every change is in the work log before it is answered, and another saga on the
 * same work log (the replica that takes the target over, or this one restarted) goes on from there. The test kills
 * nothing: it drops the first saga and builds a second from the records, as a take-over does.
 */
class DurableRollbackSagaTest extends HandDrivenSagaTest {

    private static final Set<Integer> ALL = Set.of(0, 1);

    DurableRollbackSagaTest() {
        super(new ImmediateRollbackStrategy(), new GradualRollbackStrategy(),
                new ManualRollbackStrategy(Duration.ofHours(2)));
    }

    private static StartRollback immediate(String deploymentId) {
        return new StartRollback(Meta.start(deploymentId), SHOP, "blue", "green", "immediate", "post-switch failed");
    }

    private static StartRollback gradual(String deploymentId, long intervalMs) {
        return new StartRollback(Meta.start(deploymentId), SHOP, "blue", "green", "gradual", "post-switch failed",
                List.of(50, 0), intervalMs, null);
    }

    /** The replica that takes over: a saga of its own resumed from the work log. What it sends again. */
    private List<Message> takeOver(RollbackSaga replica) {
        return replica.resume(store.read(ALL));
    }

    @Test
    void aRollbackRecordRoundTripsThroughItsBytesAndIsWhatTheSagaHolds() {
        ShiftTraffic shift = (ShiftTraffic) saga.start(gradual("d1", 10_000)).get(1);
        now.addAndGet(300);
        saga.onProvisionerEvent(shifted(shift)); // step 1 confirmed: its pause starts

        RollbackRecord held = saga.record("d1").orElseThrow();
        assertEquals(held, RollbackRecord.fromBytes(held.toBytes()));
        assertEquals(held, store.get("d1"), "what the saga holds is what the work log has");
        assertEquals(RollbackRecord.Status.PENDING, held.status());
        assertEquals("gradual", held.strategy());
        assertEquals(Instant.ofEpochMilli(1_000), held.startedAt());
        assertEquals(Instant.ofEpochMilli(1_300 + 10_000), held.pauseEnd(), "the pause's end is absolute");
        assertEquals(watch.last().watch().id(), held.awaiting());
        assertEquals(Map.of("blue", 50, "green", 50), held.weights());
        assertNull(held.trafficRestoredMs(), "traffic is not restored yet");
        assertNull(held.sent(), "a pause waits for no provisioner reply");
    }

    @Test
    void aRollbackTakenOverAfterItsShiftWasSentSendsTheSameShiftAgainAndCompletesOnItsReply() {
        StartRollback command = immediate("d1");
        List<Message> first = saga.start(command);
        ShiftTraffic shift = assertInstanceOf(ShiftTraffic.class, first.get(1));
        assertEquals(shift, store.get("d1").sentShift(), "recorded before it is published");

        // the replica dies before the provisioner's reply; another one takes the target over
        ManualStableWatch otherWatch = new ManualStableWatch();
        RollbackSaga replica = newSaga(otherWatch);
        ShiftTraffic again = only(ShiftTraffic.class, takeOver(replica));
        assertEquals(shift.meta().messageId(), again.meta().messageId(), "the same command: the provisioner dedupes");
        assertEquals(shift.weights(), again.weights());
        assertEquals(1, replica.inProgress());

        now.addAndGet(200);
        ReleaseSlot release = only(ReleaseSlot.class, replica.onProvisionerEvent(shifted(shift)));
        assertEquals(List.of(), replica.onProvisionerEvent(shifted(again)),
                "the reply to the second send of the same command moves nothing");
        now.addAndGet(100);
        RollbackCompleted completed = only(RollbackCompleted.class, replica.onProvisionerEvent(released(release)));
        assertEquals(200, completed.trafficRestoredMs(), "measured from the rollback's own start, not the take-over");
        assertEquals(300, completed.durationMs());
        assertEquals(command.meta().correlationId(), completed.meta().correlationId());
        assertEquals(List.of(), replica.onProvisionerEvent(released(release)), "a reply consumed again is ignored");
        assertEquals(RollbackRecord.Status.DONE, store.get("d1").status());
    }

    @Test
    void aReplyAlreadyHandledBeforeTheCrashIsIgnoredWhenConsumedAgain() {
        ShiftTraffic shift = (ShiftTraffic) saga.start(immediate("d1")).get(1);
        ReleaseSlot release = only(ReleaseSlot.class, saga.onProvisionerEvent(shifted(shift)));

        // the reply's offset was not committed: the new owner consumes it again after resuming
        RollbackSaga replica = newSaga(new ManualStableWatch());
        ReleaseSlot again = only(ReleaseSlot.class, takeOver(replica));
        assertEquals(release.meta().messageId(), again.meta().messageId());
        assertEquals(List.of(), replica.onProvisionerEvent(shifted(shift)), "the shift's reply again moves nothing");
        assertEquals(1, replica.inProgress());
        only(RollbackCompleted.class, replica.onProvisionerEvent(released(release)));
    }

    @Test
    void aPauseTakenOverKeepsItsAbsoluteEnd() {
        ShiftTraffic shift = (ShiftTraffic) saga.start(gradual("d1", 10_000)).get(1);
        only(RollbackStepCompleted.class, saga.onProvisionerEvent(shifted(shift)));
        String pauseId = watch.last().watch().id();

        now.addAndGet(4_000);
        ManualStableWatch otherWatch = new ManualStableWatch();
        RollbackSaga replica = newSaga(otherWatch);
        assertEquals(List.of(), takeOver(replica), "nothing to send again during a pause");
        assertEquals(Duration.ofMillis(6_000), otherWatch.last().watch().interval(), "what is left of the 10 s");
        assertEquals(pauseId, otherWatch.last().watch().id());

        ShiftTraffic last = only(ShiftTraffic.class, otherWatch.elapse());
        assertEquals(Map.of("blue", 100, "green", 0), last.weights());
        assertEquals(last, replica.record("d1").orElseThrow().sentShift());
    }

    @Test
    void theDeadlineStaysAbsoluteAcrossATakeOver() {
        saga.start(immediate("d1"));
        now.addAndGet(TIMEOUT.toMillis() - 1_000);
        RollbackSaga replica = newSaga(new ManualStableWatch());
        takeOver(replica);
        assertEquals(List.of(), replica.expire());
        now.addAndGet(1_000);
        RollbackFailed failed = only(RollbackFailed.class, replica.expire());
        assertEquals("d1", failed.meta().deploymentId());
        assertEquals(0, replica.inProgress());
    }

    @Test
    void aRepeatedStartRollbackAfterTheRollbackEndedIsAnsweredAgainWithoutASecondRollback() {
        StartRollback command = immediate("d1");
        ShiftTraffic shift = (ShiftTraffic) saga.start(command).get(1);
        ReleaseSlot release = only(ReleaseSlot.class, saga.onProvisionerEvent(shifted(shift)));
        RollbackCompleted completed = completes(release, "immediate");

        assertEquals(List.of(completed), saga.start(command), "the same answer, no ShiftTraffic");
        assertEquals(0, saga.inProgress());

        // and so does the replica that takes the target over
        RollbackSaga replica = newSaga(new ManualStableWatch());
        assertEquals(List.of(), takeOver(replica));
        assertEquals(List.of(completed), replica.start(command));
        assertEquals(0, replica.inProgress());
        assertEquals(1, count("cutover.rollbacks", "outcome", "completed", "strategy", "immediate"));

        // a new StartRollback (another messageId) for the deployment is a new rollback
        List<Message> second = replica.start(immediate("d1"));
        assertInstanceOf(RollbackStarted.class, second.get(0));
        assertInstanceOf(ShiftTraffic.class, second.get(1));
    }

    @Test
    void aRepeatedStartRollbackAfterATimeoutIsAnsweredWithTheSameFailure() {
        StartRollback command = immediate("d1");
        saga.start(command);
        now.addAndGet(TIMEOUT.toMillis());
        RollbackFailed failed = only(RollbackFailed.class, saga.expire());
        assertEquals(List.of(failed), newSagaTakingOver().start(command));
    }

    private RollbackSaga newSagaTakingOver() {
        RollbackSaga replica = newSaga(new ManualStableWatch());
        takeOver(replica);
        return replica;
    }

    @Test
    void anOperatorWaitTakenOverKeepsWaitingForTheDecision() {
        saga.start(new StartRollback(Meta.start("d1"), SHOP, "blue", "green", "manual", "paused"));
        RollbackSaga replica = newSagaTakingOver();
        assertEquals(1, replica.inProgress());
        now.addAndGet(TIMEOUT.toMillis() * 10);
        assertEquals(List.of(), replica.expire());

        List<Message> decided = replica.start(immediate("d1"));
        assertInstanceOf(ShiftTraffic.class, decided.get(1));
    }

    @Test
    void releasedRollbacksAreDroppedSilentlyAndTheOthersGoOn() {
        // two targets on the two partitions
        StartRollback a = immediate("d1");
        StartRollback b = null;
        for (int i = 0; b == null; i++) {
            StartRollback candidate = new StartRollback(Meta.start("d" + (i + 2)), new dev.cutover.events.Target(
                    "app" + i, "staging"), "blue", "green", "immediate", "x");
            if (store.partitionOf(candidate.target().key()) != store.partitionOf(a.target().key())) {
                b = candidate;
            }
        }
        saga.start(a);
        saga.start(b);
        assertEquals(2, saga.inProgress());

        saga.release(Set.of(store.partitionOf(a.target().key())));
        assertEquals(1, saga.inProgress());
        assertTrue(saga.holds(b.meta().deploymentId()));
        now.addAndGet(TIMEOUT.toMillis());
        RollbackFailed failed = only(RollbackFailed.class, saga.expire());
        assertEquals(b.meta().deploymentId(), failed.meta().deploymentId(), "no verdict on the released one");
        assertEquals(RollbackRecord.Status.PENDING, store.get("d1").status(), "left for its new owner");
    }

    @Test
    void aChangeThatCannotBeRecordedLeavesTheRollbackAsItWasAndAnswersNothing() {
        store.failing = true;
        StartRollback command = immediate("d1");
        assertThrows(RollbackSaga.NotRecordedException.class, () -> saga.start(command));
        assertEquals(0, saga.inProgress());

        store.failing = false;
        ShiftTraffic shift = (ShiftTraffic) saga.start(command).get(1);
        store.failing = true;
        assertThrows(RollbackSaga.NotRecordedException.class, () -> saga.onProvisionerEvent(shifted(shift)));
        assertEquals(shift.meta().messageId(), saga.record("d1").orElseThrow().awaiting(), "still waits for it");

        store.failing = false;
        ReleaseSlot release = only(ReleaseSlot.class, saga.onProvisionerEvent(shifted(shift)));
        assertEquals(release, store.get("d1").sentRelease());
    }

    @Test
    void aCommandLeftUnansweredIsSentAgainWithTheSameIdUntilTheDeadline() {
        ShiftTraffic shift = (ShiftTraffic) saga.start(immediate("d1")).get(1);
        now.addAndGet(RESEND_AFTER.toMillis() - 1);
        assertEquals(List.of(), saga.overdue());
        now.addAndGet(1);
        assertEquals(List.of(shift), saga.overdue(), "the same command, same messageId");
        assertEquals(List.of(), saga.overdue(), "once per interval");
        now.addAndGet(RESEND_AFTER.toMillis());
        assertEquals(List.of(shift), saga.overdue());
        only(ReleaseSlot.class, saga.onProvisionerEvent(shifted(shift)));
        now.addAndGet(TIMEOUT.toMillis());
        only(RollbackFailed.class, saga.expire());
        assertEquals(List.of(), saga.overdue(), "nothing is asked again after the deadline");
    }

    @Test
    void endedRollbacksArePrunedAfterTheirRetention() {
        StartRollback command = immediate("d1");
        ShiftTraffic shift = (ShiftTraffic) saga.start(command).get(1);
        completes(only(ReleaseSlot.class, saga.onProvisionerEvent(shifted(shift))), "immediate");
        saga.start(immediate("d2")); // in progress: never pruned

        now.addAndGet(DONE_RETENTION.toMillis() - 1);
        saga.prune();
        assertEquals(2, store.all().size());
        now.addAndGet(2);
        saga.prune();
        assertEquals(List.of("d2"), store.all().stream().map(RollbackRecord::workId).toList());
        assertEquals(0, saga.ended());
        assertNotEquals(List.of(), saga.start(command), "past its retention a repeat is a new rollback");
    }
}
