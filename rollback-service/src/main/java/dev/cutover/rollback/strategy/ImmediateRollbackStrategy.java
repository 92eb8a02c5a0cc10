package dev.cutover.rollback.strategy;

import dev.cutover.events.RollbackCommand.StartRollback;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;

/**
 * All traffic back in one switch, then stop the failed slot. Capacity-safe because the stable slot
 * was never stopped: it still runs at full capacity when the weights flip.
 */
@ApplicationScoped
public class ImmediateRollbackStrategy extends OnePairRollbackStrategy {

    public ImmediateRollbackStrategy() {
        super(IMMEDIATE);
    }

    @Override
    protected List<RollbackStep> planPair(StartRollback command) {
        return List.of(
                new RollbackStep.Shift(Map.of(command.stableSlot(), 100, command.failedSlot(), 0)),
                new RollbackStep.Release(command.failedSlot()));
    }
}
