package dev.cutover.rollback.messaging;

import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.RollbackEvent.RollbackStarted;
import dev.cutover.events.RollbackEvent.RollbackStepCompleted;
import dev.cutover.events.Topics;
import dev.cutover.rollback.testing.StableSlot;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gradual rollback on the real broker (shared with {@link RollbackFlowTest}); the test plays the
 * provisioner, and a JDK HttpServer plays the stable slot's /health.
 */
@QuarkusTest
class GradualRollbackFlowTest extends RollbackBrokerTest {

    private static final long INTERVAL_MS = 300;
    private static StableSlot stable;

    @BeforeAll
    static void startStableSlot() throws IOException {
        stable = StableSlot.start();
    }

    @AfterAll
    static void stopStableSlot() {
        stable.close();
    }

    private static StartRollback gradual(String deploymentId, List<Integer> steps, long intervalMs) {
        return new StartRollback(Meta.start(deploymentId), SHOP, "blue", "green", "gradual", "post-switch failed",
                steps, intervalMs, stable.url());
    }

    private static TrafficShifted answer(ShiftTraffic shift) {
        TrafficShifted shifted = new TrafficShifted(Meta.causedBy(shift.meta()), SHOP, shift.weights(),
                "http://127.0.0.1:9000", "rollback");
        kafka.send(shifted);
        return shifted;
    }

    @Test
    void gradualRollbackMovesTrafficBackStepByStep() {
        stable.status.set(200);
        int probesBefore = stable.probes.get();
        String id = "rb-gradual-" + UUID.randomUUID();
        kafka.send(gradual(id, List.of(50, 25, 0), INTERVAL_MS));
        assertEquals("gradual", awaitCount(Topics.ROLLBACK_EVENTS, id, RollbackStarted.class, 1).get(0).strategy());

        TrafficShifted previous = null;
        for (int step = 1; step <= 3; step++) {
            ShiftTraffic shift = awaitCount(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class, step).get(step - 1);
            assertEquals("rollback", shift.reason());
            if (previous != null) {
                assertEquals(previous.meta().messageId(), shift.meta().causationId(), "step " + step + " follows the last shift");
            }
            previous = answer(shift);
            awaitCount(Topics.ROLLBACK_EVENTS, id, RollbackStepCompleted.class, step);
        }
        ReleaseSlot release = awaitCount(Topics.PROVISIONER_COMMANDS, id, ReleaseSlot.class, 1).get(0);
        assertEquals("green", release.slot());
        assertEquals("rollback", release.reason());
        kafka.send(new SlotReleased(Meta.causedBy(release.meta()), SHOP, "green", "rollback"));
        RollbackCompleted completed = awaitCount(Topics.ROLLBACK_EVENTS, id, RollbackCompleted.class, 1).get(0);

        assertEquals(List.of(Map.of("blue", 50, "green", 50), Map.of("blue", 75, "green", 25), Map.of("blue", 100, "green", 0)),
                kafka.messages(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class).stream().map(ShiftTraffic::weights).toList());
        List<RollbackStepCompleted> steps = kafka.messages(Topics.ROLLBACK_EVENTS, id, RollbackStepCompleted.class);
        assertEquals(List.of(1, 2, 3), steps.stream().map(RollbackStepCompleted::step).toList());
        assertEquals(Map.of("blue", 75, "green", 25), steps.get(1).weights());
        assertEquals("blue", completed.stableSlot());
        assertTrue(completed.trafficRestoredMs() >= 2 * INTERVAL_MS, "two intervals before the 0 step: " + completed);
        assertTrue(completed.durationMs() >= completed.trafficRestoredMs(), completed.toString());
        assertTrue(stable.probes.get() > probesBefore, "the stable slot was watched");
        assertEquals(List.of(), kafka.messages(Topics.ROLLBACK_EVENTS, id, RollbackFailed.class));

        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("cutover_rollbacks_total{outcome=\"completed\",strategy=\"gradual\""))
                .body(containsString("cutover_rollback_steps_total{strategy=\"gradual\""))
                .body(containsString("cutover_rollback_traffic_restored_seconds_count{strategy=\"gradual\""));
    }

    @Test
    void unhealthyStableHaltsTheRollbackWithTrafficHeld() {
        stable.status.set(503);
        String id = "rb-gradual-" + UUID.randomUUID();
        kafka.send(gradual(id, List.of(50, 0), 10_000)); // the halt must come from the probes, not the interval
        answer(awaitCount(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class, 1).get(0));

        RollbackFailed failed = awaitCount(Topics.ROLLBACK_EVENTS, id, RollbackFailed.class, 1).get(0);
        // RollbackFailed has only its reason: the one wording check here, how the stable slot failed
        assertTrue(failed.reason().contains("HTTP 503"), failed.reason());
        // halted at step 1 with traffic held: no second shift, the failed slot not released
        assertEquals(1, kafka.messages(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class).size());
        assertEquals(List.of(), kafka.messages(Topics.PROVISIONER_COMMANDS, id, ReleaseSlot.class));
        assertEquals(1, kafka.messages(Topics.ROLLBACK_EVENTS, id, RollbackStepCompleted.class).size());
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("cutover_rollback_halts_total{strategy=\"gradual\""));
    }
}
