package dev.cutover.rollback.saga;

import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.RollbackEvent.RollbackStarted;
import dev.cutover.events.RollbackEvent.RollbackStepCompleted;
import dev.cutover.rollback.strategy.GradualRollbackStrategy;
import dev.cutover.rollback.strategy.ImmediateRollbackStrategy;
import dev.cutover.rollback.strategy.RollingRollbackStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The rolling strategy through the saga: many stable and failed slots, one shift, a release per failed slot. */
class RollingRollbackSagaTest extends HandDrivenSagaTest {

    RollingRollbackSagaTest() {
        super(new ImmediateRollbackStrategy(), new GradualRollbackStrategy(), new RollingRollbackStrategy());
    }

    private static StartRollback rolling(String deploymentId, List<String> stable, List<String> failed) {
        return new StartRollback(Meta.start(deploymentId), SHOP, stable.isEmpty() ? null : stable.get(0),
                failed.isEmpty() ? null : failed.get(0), "rolling", "health check of instance b2 failed", null, null, null,
                stable, failed);
    }

    private static List<String> slots(String csv) {
        return csv.isBlank() ? List.of() : Arrays.stream(csv.split(";")).map(String::strip).toList();
    }

    @Test
    void oneShiftToEveryStableSlotThenEachFailedSlotReleased() {
        StartRollback command = rolling("d1", List.of("a1", "a2", "a3"), List.of("b1", "b2"));
        List<Message> out = saga.start(command);
        assertEquals(2, out.size(), out.toString());
        RollbackStarted started = assertInstanceOf(RollbackStarted.class, out.get(0));
        assertEquals("rolling", started.strategy());
        assertEquals("a1", started.stableSlot());
        assertEquals("b1", started.failedSlot());
        ShiftTraffic shift = assertInstanceOf(ShiftTraffic.class, out.get(1));
        assertEquals(Map.of("a1", 34, "a2", 33, "a3", 33, "b1", 0, "b2", 0), shift.weights());
        assertEquals("rollback", shift.reason());

        now.addAndGet(80);
        ReleaseSlot first = only(ReleaseSlot.class, saga.onProvisionerEvent(shifted(shift)));
        assertEquals("b1", first.slot());
        now.addAndGet(200);
        SlotReleased b1Released = released(first);
        ReleaseSlot second = only(ReleaseSlot.class, saga.onProvisionerEvent(b1Released));
        assertEquals("b2", second.slot());
        assertEquals(b1Released.meta().messageId(), second.meta().causationId(), "one release after the other");
        now.addAndGet(300);
        RollbackCompleted completed = completes(second, "rolling");
        assertEquals("a1", completed.stableSlot());
        assertEquals(80, completed.trafficRestoredMs(), "at the shift's TrafficShifted");
        assertEquals(580, completed.durationMs());
        assertEquals(0, count("cutover.rollback.steps", "strategy", "rolling"), "one shift, not a gradual step");
    }

    @ParameterizedTest(name = "{0} stable slots share {1}")
    @CsvSource({
            "a1,             100",
            "a1;a2,          50;50",
            "a1;a2;a3,       34;33;33",
            "a1;a2;a3;a4;a5;a6;a7, 15;15;14;14;14;14;14",
    })
    void stableSlotsShareOneHundredRemainderFirst(String stable, String weights) {
        List<String> slots = slots(stable);
        ShiftTraffic shift = (ShiftTraffic) saga.start(rolling("d1", slots, List.of("b1"))).get(1);
        List<Integer> expected = Arrays.stream(weights.split(";")).map(String::strip).map(Integer::valueOf).toList();
        assertEquals(expected, slots.stream().map(s -> shift.weights().get(s)).toList());
        assertEquals(0, shift.weights().get("b1"));
        assertEquals(slots.size() + 1, shift.weights().size(), "no traffic to a slot that is not named");
    }

    @Test
    void aShiftLeavingTrafficOnAFailedSlotIsNotARestoredOne() {
        ShiftTraffic shift = (ShiftTraffic) saga.start(rolling("d1", List.of("a1", "a2"), List.of("b1", "b2"))).get(1);
        // the provisioner confirms weights other than asked (b2 still serving): traffic is not restored there
        ReleaseSlot first = only(ReleaseSlot.class, saga.onProvisionerEvent(new TrafficShifted(
                Meta.causedBy(shift.meta()), SHOP, Map.of("a1", 50, "a2", 40, "b2", 10), null, "rollback")));
        now.addAndGet(100);
        ReleaseSlot second = only(ReleaseSlot.class, saga.onProvisionerEvent(released(first)));
        now.addAndGet(100);
        RollbackCompleted completed = only(RollbackCompleted.class, saga.onProvisionerEvent(released(second)));
        assertEquals(completed.durationMs(), completed.trafficRestoredMs(), "never confirmed: the whole duration");
    }

    @Test
    void provisioningFailedOnAReleaseFailsWithTheConfirmedWeights() {
        ShiftTraffic shift = (ShiftTraffic) saga.start(rolling("d1", List.of("a1", "a2"), List.of("b1"))).get(1);
        ReleaseSlot release = only(ReleaseSlot.class, saga.onProvisionerEvent(shifted(shift)));
        RollbackFailed failed = only(RollbackFailed.class, saga.onProvisionerEvent(new ProvisioningFailed(
                Meta.causedBy(release.meta()), SHOP, "b1", "release", "process would not stop")));
        assertEquals("d1", failed.meta().deploymentId());
        assertEquals(0, saga.inProgress());
        assertEquals(1, count("cutover.rollbacks", "outcome", "failed", "strategy", "rolling"));
    }

    @ParameterizedTest(name = "stable [{0}], failed [{1}]")
    @CsvSource({
            "a1;a2,  a2;b1", // overlap
            "a1,     a1",
            "'',     b1;b2", // no stable slot at all
            "a1;a1,  b1", // named twice
            "a1,     b1;b1",
    })
    void invalidSlotsFailBeforeAnyTrafficMoves(String stable, String failed) {
        RollbackFailed reply = only(RollbackFailed.class, saga.start(rolling("d1", slots(stable), slots(failed))));
        assertEquals("d1", reply.meta().deploymentId());
        assertEquals(0, saga.inProgress());
        assertEquals(1, count("cutover.rollbacks", "outcome", "failed", "strategy", "rolling"));
    }

    @ParameterizedTest(name = "{0} with slot lists")
    @CsvSource({"immediate", "gradual"})
    void pairStrategiesRejectListsOfSeveralSlots(String strategy) {
        StartRollback command = new StartRollback(Meta.start("d1"), SHOP, "a1", "b1", strategy, "x", List.of(50, 0), 100L,
                null, List.of("a1", "a2"), List.of("b1"));
        only(RollbackFailed.class, saga.start(command));
        assertEquals(0, saga.inProgress());
    }

    @Test
    void pairStrategiesAcceptListsNamingJustThePair() {
        StartRollback command = new StartRollback(Meta.start("d1"), SHOP, "blue", "green", "immediate", "x", null, null,
                null, List.of("blue"), List.of("green"));
        assertEquals(Map.of("blue", 100, "green", 0), assertInstanceOf(ShiftTraffic.class, saga.start(command).get(1))
                .weights());
    }

    @Test
    void aSecondStartRollbackWhileRollingIsADuplicate() {
        StartRollback command = rolling("d1", List.of("a1", "a2"), List.of("b1"));
        saga.start(command);
        assertEquals(List.of(), saga.start(command));
        assertEquals(List.of(), saga.start(new StartRollback(Meta.start("d1"), SHOP, "a1", "b1", "immediate", "x")));
        assertEquals(1, saga.inProgress());
    }

    @Test
    void rollingIsNoGradualRollbackAndReportsNoSteps() {
        ShiftTraffic shift = (ShiftTraffic) saga.start(rolling("d1", List.of("a1"), List.of("b1"))).get(1);
        List<Message> out = saga.onProvisionerEvent(shifted(shift));
        assertEquals(List.of(), out.stream().filter(RollbackStepCompleted.class::isInstance).toList());
    }
}
