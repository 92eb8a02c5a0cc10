package dev.cutover.events;

import java.util.List;

/** Commands for the rollback-service, on {@link Topics#ROLLBACK_COMMANDS}. */
@OnTopic(Topics.ROLLBACK_COMMANDS)
public sealed interface RollbackCommand extends Command {

    /**
     * Move traffic back from {@code failedSlot} to {@code stableSlot}, then stop the failed slot.
     * {@code strategy} {@code immediate}: one switch. {@code gradual}: the failed slot's weight goes
     * through {@code steps} (e.g. [25, 5, 0]) every {@code stepIntervalMs} while {@code stableHealthUrl}
     * is watched; a failing stable halts the rollback rather than pushing traffic onto it. {@code manual}: the
     * rollback waits for an operator: a later StartRollback for the same deployment replaces it, a CancelRollback
     * drops it. {@code rolling}: all traffic back to {@code stableSlots} (equal weights), then every one of
     * {@code failedSlots} stopped. {@code placement}: where the target runs, passed on to every provisioner command
     * of the rollback (absent: local processes).
     */
    @TypeName("dev.cutover.rollback.start.v1")
    record StartRollback(Meta meta, Target target, String stableSlot, String failedSlot, String strategy,
                         String reason, @OptionalField List<Integer> steps, @OptionalField Long stepIntervalMs,
                         @OptionalField String stableHealthUrl, @OptionalField List<String> stableSlots,
                         @OptionalField List<String> failedSlots, @OptionalField Placement placement)
            implements RollbackCommand {

        /** Local processes (no placement). */
        public StartRollback(Meta meta, Target target, String stableSlot, String failedSlot, String strategy,
                             String reason, List<Integer> steps, Long stepIntervalMs, String stableHealthUrl,
                             List<String> stableSlots, List<String> failedSlots) {
            this(meta, target, stableSlot, failedSlot, strategy, reason, steps, stepIntervalMs, stableHealthUrl,
                    stableSlots, failedSlots, null);
        }

        /** The immediate rollback of the walking skeleton. */
        public StartRollback(Meta meta, Target target, String stableSlot, String failedSlot, String strategy,
                             String reason) {
            this(meta, target, stableSlot, failedSlot, strategy, reason, null, null, null);
        }

        /** A rollback between two slots (immediate, gradual, manual). */
        public StartRollback(Meta meta, Target target, String stableSlot, String failedSlot, String strategy,
                             String reason, List<Integer> steps, Long stepIntervalMs, String stableHealthUrl) {
            this(meta, target, stableSlot, failedSlot, strategy, reason, steps, stepIntervalMs, stableHealthUrl,
                    null, null);
        }

        /** Every stable slot (rolling: the old instances); one element, {@code stableSlot}, when not given. */
        public List<String> allStableSlots() {
            return stableSlots == null || stableSlots.isEmpty() ? List.of(stableSlot) : stableSlots;
        }

        /** Every failed slot (rolling: the new instances); one element, {@code failedSlot}, when not given. */
        public List<String> allFailedSlots() {
            return failedSlots == null || failedSlots.isEmpty() ? List.of(failedSlot) : failedSlots;
        }
    }

    /**
     * Drop a rollback that waits for an operator (strategy {@code manual}): the operator promoted instead. A
     * rollback already moving traffic is not cancelled. (To roll back after all, the orchestrator sends a new
     * StartRollback; it replaces the waiting one.)
     */
    @TypeName("dev.cutover.rollback.cancel.v1")
    record CancelRollback(Meta meta, Target target, String reason) implements RollbackCommand {
    }
}
