package dev.cutover.events;

/** Commands for the rollback-service, on {@link Topics#ROLLBACK_COMMANDS}. */
public sealed interface RollbackCommand extends Command {

    @Override
    default String topic() {
        return Topics.ROLLBACK_COMMANDS;
    }

    /** Move traffic back from {@code failedSlot} to {@code stableSlot}, then stop the failed slot. */
    @TypeName("dev.cutover.rollback.start.v1")
    record StartRollback(Meta meta, Target target, String stableSlot, String failedSlot, String strategy,
                         String reason) implements RollbackCommand {
    }
}
