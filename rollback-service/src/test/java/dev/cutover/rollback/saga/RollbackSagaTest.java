package dev.cutover.rollback.saga;

import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.RollbackEvent.RollbackStarted;
import dev.cutover.rollback.strategy.ImmediateRollbackStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RollbackSagaTest extends HandDrivenSagaTest {

    RollbackSagaTest() {
        super(new ImmediateRollbackStrategy());
    }

    private static StartRollback start(String deploymentId, String strategy) {
        return new StartRollback(Meta.start(deploymentId), SHOP, "blue", "green", strategy, "post-switch check failed");
    }

    @Test
    void immediateRollbackShiftsThenReleasesThenCompletes() {
        StartRollback command = start("d1", "immediate");
        List<Message> out = saga.start(command);

        assertEquals(2, out.size());
        RollbackStarted started = assertInstanceOf(RollbackStarted.class, out.get(0));
        assertEquals("immediate", started.strategy());
        assertEquals(command.meta().messageId(), started.meta().causationId());
        ShiftTraffic shift = assertInstanceOf(ShiftTraffic.class, out.get(1));
        assertEquals(Map.of("blue", 100, "green", 0), shift.weights());
        assertEquals("rollback", shift.reason());
        assertEquals("d1", shift.meta().deploymentId());
        assertEquals(command.meta().correlationId(), shift.meta().correlationId());

        now.addAndGet(120);
        out = saga.onProvisionerEvent(new TrafficShifted(Meta.causedBy(shift.meta()), SHOP, shift.weights(),
                "http://127.0.0.1:9000", "rollback"));
        ReleaseSlot release = assertInstanceOf(ReleaseSlot.class, out.get(0));
        assertEquals("green", release.slot());
        assertEquals("rollback", release.reason());

        now.addAndGet(400);
        out = saga.onProvisionerEvent(new SlotReleased(Meta.causedBy(release.meta()), SHOP, "green", "rollback"));
        RollbackCompleted completed = assertInstanceOf(RollbackCompleted.class, out.get(0));
        assertEquals("blue", completed.stableSlot());
        assertEquals(120, completed.trafficRestoredMs());
        assertEquals(520, completed.durationMs());
        assertEquals(0, saga.inProgress());
    }

    @Test
    void everyProvisionerCommandCarriesTheTargetsPlacement() {
        Placement appService = new Placement(Placement.AZURE, Placement.APP_SERVICE,
                new Placement.Infrastructure("Standard_D4s_v3", 3, null, null, null), null, true,
                new Placement.Azure("sub", "rg-shop", "westeurope", "shop-prod", null));
        StartRollback command = new StartRollback(Meta.start("d1"), SHOP, "blue", "green", "immediate",
                "post-switch check failed", null, null, null, null, null, appService);
        ShiftTraffic shift = assertInstanceOf(ShiftTraffic.class, saga.start(command).get(1));
        assertEquals(appService, shift.placement());

        List<Message> out = saga.onProvisionerEvent(new TrafficShifted(Meta.causedBy(shift.meta()), SHOP,
                shift.weights(), "http://127.0.0.1:9000", "rollback"));
        ReleaseSlot release = assertInstanceOf(ReleaseSlot.class, out.get(0));
        assertEquals(appService, release.placement());
    }

    @Test
    void duplicateStartWhileInProgressIsIgnored() {
        saga.start(start("d1", "immediate"));
        assertEquals(List.of(), saga.start(start("d1", "immediate")));
        assertEquals(1, saga.inProgress());
    }

    @Test
    void unknownStrategyFailsWithReason() {
        List<Message> out = saga.start(start("d1", "gradual-someday"));
        RollbackFailed failed = assertInstanceOf(RollbackFailed.class, out.get(0));
        assertEquals(1, out.size(), "no traffic moves");
        // RollbackFailed has only its reason: the one wording check here says which strategy was unknown
        assertTrue(failed.reason().contains("unknown rollback strategy 'gradual-someday'"), failed.reason());
        assertEquals(0, saga.inProgress());
    }

    @ParameterizedTest(name = "ProvisioningFailed in reply to {0}")
    @CsvSource({"shift", "release"})
    void provisioningFailedFailsTheRollback(String operation) {
        ShiftTraffic shift = (ShiftTraffic) saga.start(start("d1", "immediate")).get(1);
        Meta cause = shift.meta();
        if (operation.equals("release")) {
            cause = saga.onProvisionerEvent(new TrafficShifted(Meta.causedBy(cause), SHOP, shift.weights(), null,
                    "rollback")).get(0).meta();
        }
        List<Message> out = saga.onProvisionerEvent(new ProvisioningFailed(Meta.causedBy(cause), SHOP, "green",
                operation, "router admin port not answering"));
        RollbackFailed failed = assertInstanceOf(RollbackFailed.class, out.get(0));
        assertEquals(1, out.size(), "nothing more is asked of the provisioner");
        // RollbackFailed has only its reason: the one wording check here, the provisioner's own words
        assertTrue(failed.reason().contains("router admin port not answering"), failed.reason());
        assertEquals(0, saga.inProgress());
    }

    @Test
    void eventsNotCausedByThisServiceAreIgnored() {
        saga.start(start("d1", "immediate"));
        Meta foreign = Meta.causedBy(Meta.start("d1"));
        assertEquals(List.of(), saga.onProvisionerEvent(new TrafficShifted(foreign, SHOP, Map.of("blue", 100), null, "switch")));
        assertEquals(List.of(), saga.onProvisionerEvent(new SlotReleased(Meta.start("d1"), SHOP, "green", "cleanup")));
        assertEquals(List.of(), saga.onProvisionerEvent(new ProvisioningFailed(foreign, SHOP, "green", "shift", "x")));
        assertEquals(1, saga.inProgress());
    }

    @Test
    void unexpectedReplyTypeDoesNotAdvance() {
        ShiftTraffic shift = (ShiftTraffic) saga.start(start("d1", "immediate")).get(1);
        assertEquals(List.of(), saga.onProvisionerEvent(new SlotProvisioned(Meta.causedBy(shift.meta()), SHOP, "green",
                "v2", "http://127.0.0.1:1", "local:1")));
        assertEquals(1, saga.inProgress());
    }

    @Test
    void timesOutWhenTheProvisionerNeverAnswers() {
        saga.start(start("d1", "immediate"));
        now.addAndGet(59_999);
        assertEquals(List.of(), saga.expire());
        now.addAndGet(1);
        RollbackFailed failed = assertInstanceOf(RollbackFailed.class, saga.expire().get(0));
        // RollbackFailed has only its reason: the one wording check here, the reply it waited for
        assertTrue(failed.reason().contains("TrafficShifted"), failed.reason());
        assertEquals(0, saga.inProgress());
        // a late reply after the timeout changes nothing
        assertEquals(List.of(), saga.expire());
    }

    @Test
    void aNewRollbackOfTheSameDeploymentMayStartAfterTheFirstEnded() {
        saga.start(start("d1", "immediate"));
        now.addAndGet(60_000);
        saga.expire();
        assertEquals(2, saga.start(start("d1", "immediate")).size());
    }

    @Test
    void stableAndFailedSlotMustDiffer() {
        StartRollback same = new StartRollback(Meta.start("d1"), SHOP, "blue", "blue", "immediate", "x");
        assertInstanceOf(RollbackFailed.class, saga.start(same).get(0));
    }
}
