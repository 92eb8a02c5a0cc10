package dev.cutover.rollback.saga;

import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.Target;
import dev.cutover.rollback.metrics.RollbackMetrics;
import dev.cutover.rollback.strategy.RollbackStrategies;
import dev.cutover.rollback.strategy.RollbackStrategy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Base of the saga tests without a broker, timers or HTTP: the saga with the subclass's strategies, a wall clock the
 * test sets by hand ({@link #now}), a watch it drives by hand ({@link #watch}), a work log in memory ({@link #store})
 * and a meter registry of its own.
 */
abstract class HandDrivenSagaTest {

    static final Target SHOP = new Target("shop", "staging");
    /** How long the saga waits for the provisioner's answer. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** How long an ended rollback's record is kept. */
    static final Duration DONE_RETENTION = Duration.ofHours(1);
    /** How long a provisioner command may go unanswered before it is sent again. */
    static final Duration RESEND_AFTER = Duration.ofSeconds(15);

    final AtomicLong now = new AtomicLong(1_000);
    final ManualStableWatch watch = new ManualStableWatch();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** The work log the saga records in (two partitions, so that releasing one leaves the other). */
    final MemoryRollbackStore store = new MemoryRollbackStore(2);
    final RollbackStrategy[] strategies;
    final RollbackSaga saga;

    HandDrivenSagaTest(RollbackStrategy... strategies) {
        this.strategies = strategies;
        saga = newSaga(watch);
    }

    /** Another replica (or this one restarted): same clock, strategies and work log, its own watch and memory. */
    RollbackSaga newSaga(ManualStableWatch watch) {
        return new RollbackSaga(new RollbackStrategies(List.of(strategies)), TIMEOUT, now::get, watch,
                new RollbackMetrics(registry), store, DONE_RETENTION, RESEND_AFTER);
    }

    /** The one message in {@code out}, a {@code type}. */
    static <T> T only(Class<T> type, List<Message> out) {
        assertEquals(1, out.size(), out.toString());
        return assertInstanceOf(type, out.get(0));
    }

    /** The provisioner's reply to {@code shift}: the weights it asked for are in force. */
    static TrafficShifted shifted(ShiftTraffic shift) {
        return new TrafficShifted(Meta.causedBy(shift.meta()), SHOP, shift.weights(), null, "rollback");
    }

    /** The provisioner's reply to {@code release}: the slot is stopped. */
    static SlotReleased released(ReleaseSlot release) {
        return new SlotReleased(Meta.causedBy(release.meta()), SHOP, release.slot(), "rollback");
    }

    /**
     * The provisioner confirms the rollback's last release: the saga's one answer is RollbackCompleted, the rollback
     * is over and counted as completed under {@code strategy}. The RollbackCompleted.
     */
    RollbackCompleted completes(ReleaseSlot lastRelease, String strategy) {
        RollbackCompleted completed = only(RollbackCompleted.class, saga.onProvisionerEvent(released(lastRelease)));
        assertEquals(0, saga.inProgress());
        assertEquals(1, count("cutover.rollbacks", "outcome", "completed", "strategy", strategy));
        return completed;
    }

    /** The counter's count, 0 if there is none. */
    double count(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }
}
