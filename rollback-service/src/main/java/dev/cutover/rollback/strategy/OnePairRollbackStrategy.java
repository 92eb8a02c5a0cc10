package dev.cutover.rollback.strategy;

import dev.cutover.events.RollbackCommand.StartRollback;

import java.util.List;

/**
 * A strategy that moves traffic between one pair, from {@link StartRollback#failedSlot()} to
 * {@link StartRollback#stableSlot()}: a command whose slot lists name more than that pair is rejected
 * ({@link Slots#requireOnePair}) before the strategy plans.
 */
public abstract class OnePairRollbackStrategy extends NamedRollbackStrategy {

    protected OnePairRollbackStrategy(String name) {
        super(name);
    }

    @Override
    public List<RollbackStep> plan(StartRollback command) {
        Slots.requireOnePair(command, name());
        return planPair(command);
    }

    /**
     * The steps between the command's one pair, once its slot lists are known to name just that pair.
     *
     * @throws IllegalArgumentException as {@link #plan} does
     */
    protected abstract List<RollbackStep> planPair(StartRollback command);
}
