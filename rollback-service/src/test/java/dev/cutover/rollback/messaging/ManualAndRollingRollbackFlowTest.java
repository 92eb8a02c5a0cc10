package dev.cutover.rollback.messaging;

import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.CancelRollback;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.RollbackEvent.RollbackStarted;
import dev.cutover.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The manual and rolling strategies and CancelRollback on the real broker (shared with {@link RollbackFlowTest});
 * the test plays the orchestrator and the provisioner. Commands of one deployment are consumed in order, so a
 * later command's effect shows that an earlier one was handled.
 */
@QuarkusTest
class ManualAndRollingRollbackFlowTest extends RollbackBrokerTest {

    private static StartRollback start(String deploymentId, String strategy) {
        return new StartRollback(Meta.start(deploymentId), SHOP, "blue", "green", strategy, "canary paused for a decision");
    }

    @Test
    void manualWaitsThenTheOperatorsImmediateRollbackReplacesIt() {
        String id = "rb-manual-" + UUID.randomUUID();
        kafka.send(start(id, "manual"));
        assertEquals("manual", awaitCount(Topics.ROLLBACK_EVENTS, id, RollbackStarted.class, 1).get(0).strategy());
        kafka.send(start(id, "manual")); // re-issued after an orchestrator restart: still waiting, nothing new

        kafka.send(start(id, "immediate"));
        List<RollbackStarted> started = awaitCount(Topics.ROLLBACK_EVENTS, id, RollbackStarted.class, 2);
        assertEquals(List.of("manual", "immediate"), started.stream().map(RollbackStarted::strategy).toList());
        ShiftTraffic shift = awaitCount(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class, 1).get(0);
        assertEquals(Map.of("blue", 100, "green", 0), shift.weights());
        kafka.send(new TrafficShifted(Meta.causedBy(shift.meta()), SHOP, shift.weights(), null, "rollback"));
        ReleaseSlot release = awaitCount(Topics.PROVISIONER_COMMANDS, id, ReleaseSlot.class, 1).get(0);
        assertEquals("green", release.slot());
        kafka.send(new SlotReleased(Meta.causedBy(release.meta()), SHOP, "green", "rollback"));

        assertEquals("blue", awaitCount(Topics.ROLLBACK_EVENTS, id, RollbackCompleted.class, 1).get(0).stableSlot());
        assertEquals(1, kafka.messages(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class).size());
        assertEquals(2, kafka.messages(Topics.ROLLBACK_EVENTS, id, RollbackStarted.class).size(),
                "the duplicate manual StartRollback started nothing");
        assertEquals(List.of(), kafka.messages(Topics.ROLLBACK_EVENTS, id, RollbackFailed.class));
    }

    @Test
    void cancelDropsTheWaitingRollbackWithoutAWord() {
        String id = "rb-cancel-" + UUID.randomUUID();
        kafka.send(start(id, "manual"));
        awaitCount(Topics.ROLLBACK_EVENTS, id, RollbackStarted.class, 1);
        kafka.send(new CancelRollback(Meta.start(id), SHOP, "promoted by operator"));
        kafka.send(new CancelRollback(Meta.start(id), SHOP, "promoted by operator")); // a duplicate: ignored

        // had the cancel not dropped it, this would be a duplicate of the waiting one and start nothing
        kafka.send(start(id, "manual"));
        awaitCount(Topics.ROLLBACK_EVENTS, id, RollbackStarted.class, 2);
        kafka.send(new CancelRollback(Meta.start(id), SHOP, "promoted by operator"));

        assertEquals(List.of(), kafka.messages(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class));
        assertEquals(List.of(), kafka.messages(Topics.PROVISIONER_COMMANDS, id, ReleaseSlot.class));
        assertEquals(List.of(), kafka.messages(Topics.ROLLBACK_EVENTS, id, RollbackFailed.class));
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/metrics").then().statusCode(200)
                .body(containsString("cutover_rollbacks_total{outcome=\"cancelled\",strategy=\"manual\"")));
    }

    @Test
    void rollingMovesAllTrafficToTheStableSlotsThenReleasesEveryFailedOne() {
        String id = "rb-rolling-" + UUID.randomUUID();
        kafka.send(new StartRollback(Meta.start(id), SHOP, "a1", "b1", "rolling", "health check of instance b2 failed",
                null, null, null, List.of("a1", "a2", "a3"), List.of("b1", "b2")));
        assertEquals("rolling", awaitCount(Topics.ROLLBACK_EVENTS, id, RollbackStarted.class, 1).get(0).strategy());

        ShiftTraffic shift = awaitCount(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class, 1).get(0);
        assertEquals(Map.of("a1", 34, "a2", 33, "a3", 33, "b1", 0, "b2", 0), shift.weights());
        kafka.send(new TrafficShifted(Meta.causedBy(shift.meta()), SHOP, shift.weights(), null, "rollback"));
        for (int i = 1; i <= 2; i++) {
            ReleaseSlot release = awaitCount(Topics.PROVISIONER_COMMANDS, id, ReleaseSlot.class, i).get(i - 1);
            assertEquals("b" + i, release.slot());
            kafka.send(new SlotReleased(Meta.causedBy(release.meta()), SHOP, release.slot(), "rollback"));
        }
        RollbackCompleted completed = awaitCount(Topics.ROLLBACK_EVENTS, id, RollbackCompleted.class, 1).get(0);
        assertEquals("a1", completed.stableSlot());
        assertEquals(1, kafka.messages(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class).size());
        assertEquals(List.of(), kafka.messages(Topics.ROLLBACK_EVENTS, id, RollbackFailed.class));
    }

    @Test
    void rollingWithOverlappingSlotsFails() {
        String id = "rb-rolling-bad-" + UUID.randomUUID();
        kafka.send(new StartRollback(Meta.start(id), SHOP, "a1", "a2", "rolling", "x", null, null, null,
                List.of("a1", "a2"), List.of("a2")));
        awaitCount(Topics.ROLLBACK_EVENTS, id, RollbackFailed.class, 1);
        assertEquals(List.of(), kafka.messages(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class));
    }
}
