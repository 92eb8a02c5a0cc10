package dev.cutover.events;

import java.util.List;

/** Commands for the rollback-service, on {@link Topics#ROLLBACK_COMMANDS}. */
public sealed interface RollbackCommand extends Command {

    @Override
    default String topic() {
        return Topics.ROLLBACK_COMMANDS;
    }

    /**
     * Move traffic back from {@code failedSlot} to {@code stableSlot}, then stop the failed slot.
     * {@code strategy} {@code immediate}: one switch. {@code gradual}: the failed slot's weight goes
     * through {@code steps} (e.g. [25, 5, 0]) every {@code stepIntervalMs} while {@code stableHealthUrl}
     * is watched; a failing stable halts the rollback rather than pushing traffic onto it.
     */
    @TypeName("dev.cutover.rollback.start.v1")
    record StartRollback(Meta meta, Target target, String stableSlot, String failedSlot, String strategy,
                         String reason, @OptionalField List<Integer> steps, @OptionalField Long stepIntervalMs,
                         @OptionalField String stableHealthUrl) implements RollbackCommand {

        /** The immediate rollback of the walking skeleton. */
        public StartRollback(Meta meta, Target target, String stableSlot, String failedSlot, String strategy,
                             String reason) {
            this(meta, target, stableSlot, failedSlot, strategy, reason, null, null, null);
        }
    }
}
