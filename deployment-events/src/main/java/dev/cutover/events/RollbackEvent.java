package dev.cutover.events;

import java.util.Map;

/** Rollback progress, on {@link Topics#ROLLBACK_EVENTS}. */
@OnTopic(Topics.ROLLBACK_EVENTS)
public sealed interface RollbackEvent extends Event {

    @TypeName("dev.cutover.rollback.started.v1")
    record RollbackStarted(Meta meta, Target target, String stableSlot, String failedSlot, String strategy)
            implements RollbackEvent {
    }

    /** A gradual rollback moved one step back; {@code weights} by slot. */
    @TypeName("dev.cutover.rollback.step-completed.v1")
    record RollbackStepCompleted(Meta meta, Target target, int step, Map<String, Integer> weights)
            implements RollbackEvent {
    }

    /**
     * {@code trafficRestoredMs}: from the rollback command to all traffic on the stable slot;
     * {@code durationMs}: until the failed slot was stopped too.
     */
    @TypeName("dev.cutover.rollback.completed.v1")
    record RollbackCompleted(Meta meta, Target target, String stableSlot, long trafficRestoredMs,
                             long durationMs) implements RollbackEvent {
    }

    @TypeName("dev.cutover.rollback.failed.v1")
    record RollbackFailed(Meta meta, Target target, String reason) implements RollbackEvent {
    }
}
