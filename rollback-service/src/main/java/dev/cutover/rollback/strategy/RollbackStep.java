package dev.cutover.rollback.strategy;

import java.time.Duration;
import java.util.Map;

/** One step of a rollback plan; the saga runs it and waits for its outcome before the next. */
public sealed interface RollbackStep {

    /**
     * Set the router weights (answered by TrafficShifted). {@code step} &gt; 0 numbers a gradual step:
     * its TrafficShifted is reported as RollbackStepCompleted; 0 reports nothing.
     */
    record Shift(Map<String, Integer> weights, int step) implements RollbackStep {
        public Shift {
            weights = Map.copyOf(weights);
        }

        public Shift(Map<String, Integer> weights) {
            this(weights, 0);
        }
    }

    /** Take a slot out of the router and stop it (answered by SlotReleased). */
    record Release(String slot) implements RollbackStep {
    }

    /**
     * Hold the weights of gradual step {@code afterStep} for {@code interval} (answered by a timer, not the
     * provisioner). With a {@code healthUrl} the stable slot is probed meanwhile and the rollback halts if
     * it turns unhealthy; null means no watch.
     */
    record Pause(int afterStep, Duration interval, String healthUrl) implements RollbackStep {
    }

    /**
     * Move nothing and wait, up to {@code maxWait}, for the operator (answered by neither the provisioner nor a
     * timer): a new StartRollback for the deployment replaces the rollback, a CancelRollback drops it, and
     * without either it fails once {@code maxWait} has passed.
     */
    record AwaitOperator(Duration maxWait) implements RollbackStep {
    }
}
