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
public class ImmediateRollbackStrategy implements RollbackStrategy {

    public static final String NAME = "immediate";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<RollbackStep> plan(StartRollback command) {
        Slots.requireOnePair(command, NAME);
        return List.of(
                new RollbackStep.Shift(Map.of(command.stableSlot(), 100, command.failedSlot(), 0)),
                new RollbackStep.Release(command.failedSlot()));
    }
}
