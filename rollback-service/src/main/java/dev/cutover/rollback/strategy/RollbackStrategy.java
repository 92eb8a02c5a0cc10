package dev.cutover.rollback.strategy;

import dev.cutover.events.RollbackCommand.StartRollback;

import java.util.List;

/**
 * How traffic goes back to the stable slot(s): a plan of steps run one after the other.
 * One file per strategy; {@link RollbackStrategies} picks one by {@link StartRollback#strategy()}.
 */
public interface RollbackStrategy {

    /** The strategies' names, as {@link StartRollback#strategy()} carries them. */
    String IMMEDIATE = "immediate";
    String GRADUAL = "gradual";
    String MANUAL = "manual";
    String ROLLING = "rolling";

    /** The name used in {@link StartRollback#strategy()}: one of the constants above. */
    String name();

    /**
     * The steps, in order. Traffic counts as restored once a shift leaves no failed slot
     * ({@link StartRollback#allFailedSlots()}) with a weight above 0. The saga has already checked the slots
     * ({@link Slots#problem}).
     *
     * @throws IllegalArgumentException if the command's parameters allow no plan; its message becomes the
     *                                  RollbackFailed reason
     */
    List<RollbackStep> plan(StartRollback command);
}
