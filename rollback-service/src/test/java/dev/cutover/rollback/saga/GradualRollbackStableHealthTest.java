package dev.cutover.rollback.saga;

import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.RollbackEvent.RollbackStepCompleted;
import dev.cutover.events.Target;
import dev.cutover.rollback.metrics.RollbackMetrics;
import dev.cutover.rollback.strategy.GradualRollbackStrategy;
import dev.cutover.rollback.strategy.RollbackStrategies;
import dev.cutover.rollback.testing.StableSlot;
import dev.cutover.rollback.watch.ScheduledStableWatch;
import dev.cutover.rollback.watch.StableHealthProbe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The saga with the real watch: a JDK HttpServer plays the stable slot's /health, healthy through step 1's
 * interval, then broken during step 2's. The test plays the provisioner from what the watch publishes.
 */
class GradualRollbackStableHealthTest {

    private static final Target SHOP = new Target("shop", "staging");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<Message> published = new CopyOnWriteArrayList<>();
    private StableSlot stable;
    private ScheduledStableWatch watch;
    private RollbackSaga saga;

    @BeforeEach
    void start() throws IOException {
        stable = StableSlot.start();
        watch = new ScheduledStableWatch(published::addAll, new StableHealthProbe(Duration.ofSeconds(2)),
                Duration.ofMillis(50), 2);
        saga = new RollbackSaga(new RollbackStrategies(List.of(new GradualRollbackStrategy())),
                Duration.ofSeconds(60), System::currentTimeMillis, watch,
                new RollbackMetrics(new SimpleMeterRegistry()), new MemoryRollbackStore(1), Duration.ofHours(1),
                Duration.ofSeconds(15));
    }

    @AfterEach
    void stop() {
        watch.close();
        stable.close();
    }

    private List<Message> shifted(ShiftTraffic shift) {
        return saga.onProvisionerEvent(new TrafficShifted(Meta.causedBy(shift.meta()), SHOP, shift.weights(), null,
                "rollback"));
    }

    private <T extends Message> List<T> published(Class<T> type) {
        return published.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @ParameterizedTest(name = "stable turns unhealthy by {0}")
    @CsvSource({
            "answering 503,        'HTTP 503 from http://127.0.0.1:'",
            "stopping to listen,   'connection refused'",
    })
    void stableTurningUnhealthyMidRollbackHaltsAtStepTwo(String how, String expected) {
        String url = stable.url();
        StartRollback command = new StartRollback(Meta.start("d-http"), SHOP, "blue", "green", "gradual",
                "post-switch check failed", List.of(50, 25, 0), 1000L, url);
        ShiftTraffic first = (ShiftTraffic) saga.start(command).get(1);
        assertEquals(RollbackStepCompleted.class, shifted(first).get(0).getClass());

        // step 1's interval passes with a healthy stable: the watch itself sends step 2's shift
        ShiftTraffic second = await().atMost(WAIT).until(() -> published(ShiftTraffic.class), l -> !l.isEmpty()).get(0);
        assertEquals(Map.of("blue", 75, "green", 25), second.weights());
        assertTrue(stable.probes.get() >= 2, "probed during step 1: " + stable.probes.get());
        assertEquals(List.of(), published(RollbackFailed.class));

        if (how.startsWith("answering")) {
            stable.status.set(503);
        } else {
            stable.close();
        }
        shifted(second);

        RollbackFailed failed = await().atMost(WAIT).until(() -> published(RollbackFailed.class), l -> !l.isEmpty()).get(0);
        // halted at step 2: no further shift, and the failed slot is not released
        assertEquals(List.of(second), published(ShiftTraffic.class));
        assertEquals(List.of(), published(ReleaseSlot.class));
        // RollbackFailed has only its reason: the one wording check here, how the stable slot failed
        assertTrue(failed.reason().contains(expected), failed.reason());
        assertEquals(0, saga.inProgress());
        assertEquals(0, watch.active());
        // the halt came well within step 2's 1000 ms interval, and nothing moved after it
        assertEquals(1, published(ShiftTraffic.class).size(), published.toString());
        assertEquals(List.of(), published(ReleaseSlot.class));
    }
}
