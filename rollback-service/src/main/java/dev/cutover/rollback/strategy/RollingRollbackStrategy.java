package dev.cutover.rollback.strategy;

import dev.cutover.events.RollbackCommand.StartRollback;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rolling update's rollback, over many slots: one shift gives every one of
 * {@link StartRollback#allStableSlots()} an equal share of 100 (the remainder to the first ones: 34, 33, 33)
 * and every one of {@link StartRollback#allFailedSlots()} 0, then each failed slot is released in order.
 * Capacity-safe because the orchestrator re-provisions the old instances a rolling update had released before
 * it sends the StartRollback: every stable slot runs when the shift gives it traffic, and no traffic goes to a
 * slot that is not in {@code stableSlots}.
 */
@ApplicationScoped
public class RollingRollbackStrategy extends NamedRollbackStrategy {

    public RollingRollbackStrategy() {
        super(ROLLING);
    }

    @Override
    public List<RollbackStep> plan(StartRollback command) {
        List<String> stable = Slots.stable(command);
        List<String> failed = Slots.failed(command);
        if (stable.isEmpty()) {
            throw new IllegalArgumentException("no stable slot to move the traffic back to");
        }
        if (stable.size() > 100) {
            throw new IllegalArgumentException(stable.size() + " stable slots cannot each get a share of 100");
        }
        Set<String> overlap = new HashSet<>(stable);
        overlap.retainAll(new HashSet<>(failed));
        if (!overlap.isEmpty()) {
            throw new IllegalArgumentException("slots " + overlap + " are both stable and failed");
        }
        Map<String, Integer> weights = new LinkedHashMap<>();
        int share = 100 / stable.size();
        int remainder = 100 % stable.size();
        for (int i = 0; i < stable.size(); i++) {
            weights.put(stable.get(i), share + (i < remainder ? 1 : 0));
        }
        failed.forEach(slot -> weights.put(slot, 0));

        List<RollbackStep> plan = new ArrayList<>();
        plan.add(new RollbackStep.Shift(weights));
        failed.forEach(slot -> plan.add(new RollbackStep.Release(slot)));
        return plan;
    }
}
