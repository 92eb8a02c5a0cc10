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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gradual strategy through the saga, with a hand-driven watch and clock: no broker, no timers, no HTTP. */
class GradualRollbackSagaTest extends HandDrivenSagaTest {

    private static final String STABLE = "http://127.0.0.1:7001";

    GradualRollbackSagaTest() {
        super(new ImmediateRollbackStrategy(), new GradualRollbackStrategy());
    }

    private static StartRollback gradual(String deploymentId, List<Integer> steps, Long intervalMs, String healthUrl) {
        return new StartRollback(Meta.start(deploymentId), SHOP, "blue", "green", "gradual", "post-switch check failed",
                steps, intervalMs, healthUrl);
    }

    /** Starts a gradual rollback of d1 with steps 50, 25, 0 every 2000 ms: its first ShiftTraffic. */
    private ShiftTraffic startDefault(String healthUrl) {
        return (ShiftTraffic) saga.start(gradual("d1", List.of(50, 25, 0), 2000L, healthUrl)).get(1);
    }

    /**
     * Starts the default rollback ({@link #startDefault}) and runs it up to {@code step}: each step before it confirmed
     * by the provisioner and its interval over. That step's ShiftTraffic.
     */
    private ShiftTraffic startDefaultUpTo(int step, String healthUrl) {
        ShiftTraffic shift = startDefault(healthUrl);
        for (int before = 1; before < step; before++) {
            saga.onProvisionerEvent(shifted(shift));
            shift = only(ShiftTraffic.class, watch.elapse());
        }
        return shift;
    }

    private static List<Integer> steps(String csv) {
        return csv == null ? null : csv.isBlank() ? List.of()
                : Arrays.stream(csv.split(";")).map(String::strip).map(Integer::valueOf).toList();
    }

    @Test
    void threeStepsShiftReportPauseThenReleaseAndComplete() {
        StartRollback command = gradual("d1", List.of(50, 25, 0), 2000L, STABLE + "/");
        List<Message> out = saga.start(command);
        assertEquals("gradual", assertInstanceOf(RollbackStarted.class, out.get(0)).strategy());
        ShiftTraffic shift = assertInstanceOf(ShiftTraffic.class, out.get(1));
        assertEquals(2, out.size());

        List<Map<String, Integer>> weights = new ArrayList<>();
        for (int step = 1; step <= 3; step++) {
            weights.add(shift.weights());
            assertEquals("rollback", shift.reason());
            assertEquals(command.meta().correlationId(), shift.meta().correlationId());
            now.addAndGet(100); // the provisioner takes 100 ms per shift
            out = saga.onProvisionerEvent(shifted(shift));
            RollbackStepCompleted reported = assertInstanceOf(RollbackStepCompleted.class, out.get(0));
            assertEquals(step, reported.step());
            assertEquals(shift.weights(), reported.weights());
            assertEquals("d1", reported.meta().deploymentId());
            if (step < 3) {
                assertEquals(1, out.size(), "nothing moves before the interval is over: " + out);
                assertEquals(step, watch.started.size());
                assertEquals(Duration.ofMillis(2000), watch.last().watch().interval());
                assertEquals(STABLE + "/health", watch.last().watch().healthUrl());
                now.addAndGet(2000);
                shift = only(ShiftTraffic.class, watch.elapse());
            } else {
                ReleaseSlot release = assertInstanceOf(ReleaseSlot.class, out.get(1));
                assertEquals(2, out.size());
                assertEquals(2, watch.started.size(), "no pause after the 0 step");
                assertEquals("green", release.slot());
                assertEquals("rollback", release.reason());
                now.addAndGet(300);
                out = saga.onProvisionerEvent(released(release));
            }
        }
        assertEquals(List.of(Map.of("blue", 50, "green", 50), Map.of("blue", 75, "green", 25),
                Map.of("blue", 100, "green", 0)), weights);
        RollbackCompleted completed = only(RollbackCompleted.class, out);
        assertEquals("blue", completed.stableSlot());
        assertEquals(3 * 100 + 2 * 2000, completed.trafficRestoredMs(), "until the 0 step's TrafficShifted");
        assertEquals(3 * 100 + 2 * 2000 + 300, completed.durationMs());
        assertEquals(0, saga.inProgress());
        assertEquals(1, count("cutover.rollbacks", "outcome", "completed", "strategy", "gradual"));
        assertEquals(3, count("cutover.rollback.steps", "strategy", "gradual"));
        assertEquals(1, registry.find("cutover.rollback.traffic.restored").tags("strategy", "gradual").timer().count());
    }

    @ParameterizedTest(name = "steps [{0}] every {1} ms")
    @CsvSource(nullValues = "null", value = {
            "50;25;0, 2000, 50/50 75/25 100/0, 2000",
            "25;5;0,  500,  75/25 95/5 100/0,  500",
            "10;0,    0,    90/10 100/0,       0",
            "0,       300,  100/0,             -",
    })
    void stepsAndIntervalComeFromTheCommand(String steps, Long intervalMs, String expectedWeights,
                                                          String expectedPause) {
        ShiftTraffic shift = (ShiftTraffic) saga.start(gradual("d1", steps(steps), intervalMs, null)).get(1);
        List<String> seen = new ArrayList<>();
        List<Message> out;
        while (true) {
            seen.add(shift.weights().get("blue") + "/" + shift.weights().get("green"));
            out = saga.onProvisionerEvent(shifted(shift));
            if (out.size() == 2) {
                break; // step completed + ReleaseSlot
            }
            assertEquals(expectedPause, String.valueOf(watch.last().watch().interval().toMillis()));
            assertNull(watch.last().watch().healthUrl(), "no stableHealthUrl: no probes");
            shift = only(ShiftTraffic.class, watch.elapse());
        }
        assertEquals(expectedWeights, String.join(" ", seen));
        assertInstanceOf(ReleaseSlot.class, out.get(1));
    }

    @ParameterizedTest(name = "halts at step {0}")
    @CsvSource({
            "1, 'HTTP 503 from http://127.0.0.1:7001/health', 'blue=50, green=50'",
            "2, 'connection refused',                          'blue=75, green=25'",
    })
    void unhealthyStableHaltsAndHoldsTheTraffic(int haltAt, String observed, String heldAt) {
        saga.onProvisionerEvent(shifted(startDefaultUpTo(haltAt, STABLE)));

        RollbackFailed failed = only(RollbackFailed.class, watch.unhealthy(observed));
        assertEquals("stable slot unhealthy at step " + haltAt + ": " + observed + "; traffic held at " + heldAt,
                failed.reason());
        assertEquals("d1", failed.meta().deploymentId());
        assertEquals(0, saga.inProgress());
        assertEquals(List.of(), watch.elapse(), "a late interval end moves nothing more");
        assertEquals(1, count("cutover.rollback.halts", "strategy", "gradual"));
        assertEquals(1, count("cutover.rollbacks", "outcome", "failed", "strategy", "gradual"));
    }

    @ParameterizedTest(name = "steps [{0}], interval {1}, url {2}")
    @CsvSource(nullValues = "null", value = {
            "null,      500,  null,         steps",
            "50;0,      null, null,         stepIntervalMs",
            "50;25,     500,  null,         must end with 0",
            "'',        500,  null,         must not be empty",
            "50;50;0,   500,  null,         must strictly decrease",
            "25;50;0,   500,  null,         must strictly decrease",
            "150;0,     500,  null,         weight from 0 to 100",
            "-5;0,      500,  null,         weight from 0 to 100",
            "50;0,      -1,   null,         stepIntervalMs must not be negative",
            "50;0,      500,  ftp://stable, must be an http(s) URL",
            "50;0,      500,  not a url,    is not a URL",
    })
    void badParametersFailBeforeAnyTrafficMoves(String steps, Long intervalMs, String url, String expected) {
        RollbackFailed failed = only(RollbackFailed.class, saga.start(gradual("d1", steps(steps), intervalMs, url)));
        // RollbackFailed has only its reason: the one wording check here, the rule each row breaks
        assertTrue(failed.reason().contains(expected), failed.reason());
        assertEquals(0, saga.inProgress());
        assertEquals(1, count("cutover.rollbacks", "outcome", "failed", "strategy", "gradual"));
    }

    @Test
    void duplicateAndUnrelatedEventsAreIgnored() {
        StartRollback command = gradual("d1", List.of(50, 25, 0), 2000L, STABLE);
        ShiftTraffic shift = (ShiftTraffic) saga.start(command).get(1);
        assertEquals(List.of(), saga.start(command), "duplicate StartRollback");

        TrafficShifted reply = shifted(shift);
        assertInstanceOf(RollbackStepCompleted.class, saga.onProvisionerEvent(reply).get(0));
        assertEquals(List.of(), saga.onProvisionerEvent(reply), "the same TrafficShifted again (redelivery)");
        assertEquals(List.of(), saga.onProvisionerEvent(shifted(shift)), "another TrafficShifted for the same command");
        Meta foreign = Meta.causedBy(Meta.start("d1"));
        assertEquals(List.of(), saga.onProvisionerEvent(new TrafficShifted(foreign, SHOP, Map.of("green", 100), null, "switch")));
        assertEquals(List.of(), saga.onProvisionerEvent(new SlotReleased(Meta.causedBy(shift.meta()), SHOP, "green", "rollback")),
                "a reply of the wrong type");
        assertEquals(List.of(), saga.onProvisionerEvent(new ProvisioningFailed(foreign, SHOP, "green", "shift", "x")));
        assertEquals(1, watch.started.size());

        ManualStableWatch.Started first = watch.last();
        ShiftTraffic second = only(ShiftTraffic.class, first.listener().elapsed());
        assertEquals(Map.of("blue", 75, "green", 25), second.weights());
        assertEquals(List.of(), first.listener().elapsed(), "the same interval ending twice");
        assertEquals(List.of(), first.listener().unhealthy("HTTP 500"), "a stale watch turning unhealthy");
        assertEquals(1, saga.inProgress());
    }

    @ParameterizedTest(name = "ProvisioningFailed in reply to the {0}")
    @CsvSource({
            "second shift, shift,   'blue=50, green=50'",
            "release,      release, 'blue=100, green=0'",
    })
    void provisioningFailedMidWayFailsTheRollback(String when, String operation, String confirmed) {
        Message awaited = startDefaultUpTo(operation.equals("release") ? 3 : 2, null);
        if (operation.equals("release")) { // the last (0) step confirmed: the release is awaited
            awaited = saga.onProvisionerEvent(shifted((ShiftTraffic) awaited)).get(1);
            assertInstanceOf(ReleaseSlot.class, awaited);
        }
        RollbackFailed failed = only(RollbackFailed.class, saga.onProvisionerEvent(new ProvisioningFailed(
                Meta.causedBy(awaited.meta()), SHOP, "green", operation, "router admin port not answering")));
        assertEquals("provisioner could not " + operation + " slot green: router admin port not answering; "
                + "last confirmed weights " + confirmed, failed.reason());
        assertEquals(0, saga.inProgress());
    }

    @Test
    void deadlineGrowsByThePlannedIntervalsAndCancelsARunningWatch() {
        ShiftTraffic shift = startDefault(STABLE);
        saga.onProvisionerEvent(shifted(shift));
        now.addAndGet(60_000 + 2 * 2000 - 1); // timeout + 2 pauses of the plan [50, 25, 0]
        assertEquals(List.of(), saga.expire());
        now.addAndGet(1);
        RollbackFailed failed = only(RollbackFailed.class, saga.expire());
        assertEquals("timed out after 64000 ms waiting for the interval after step 1", failed.reason());
        assertTrue(watch.cancelled.contains(watch.last().watch().id()));
        assertEquals(List.of(), watch.elapse());
        assertEquals(0, saga.inProgress());
    }
}
