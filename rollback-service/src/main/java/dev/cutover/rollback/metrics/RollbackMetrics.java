package dev.cutover.rollback.metrics;

import dev.cutover.rollback.strategy.RollbackStrategy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Rollback outcomes, tagged by strategy: completed, failed, and (a manual rollback the operator dropped)
 * cancelled. A manual rollback replaced by the operator's decision counts no outcome of its own: the rollback
 * goes on under the decided strategy and counts there. Tags stay low-cardinality: a known strategy name or
 * "unknown", never a deployment, target or reason.
 */
@Singleton
public class RollbackMetrics {

    public static final String UNKNOWN = "unknown";

    private final MeterRegistry registry;

    @Inject
    public RollbackMetrics(MeterRegistry registry) {
        this.registry = registry;
        // at 0 from the start: Prometheus's increase() cannot see a series' first value, so a counter born at 1
        // would hide the first rollback from every alert
        for (String strategy : List.of(RollbackStrategy.IMMEDIATE, RollbackStrategy.GRADUAL,
                RollbackStrategy.ROLLING)) {
            for (String outcome : List.of("completed", "failed")) {
                registry.counter("cutover.rollbacks", "outcome", outcome, "strategy", strategy);
            }
        }
        // a manual rollback never completes by itself: it is replaced, cancelled, or fails waiting
        for (String outcome : List.of("cancelled", "failed")) {
            registry.counter("cutover.rollbacks", "outcome", outcome, "strategy", RollbackStrategy.MANUAL);
        }
    }

    public void completed(String strategy, long trafficRestoredMs, long durationMs) {
        registry.counter("cutover.rollbacks", "outcome", "completed", "strategy", strategy).increment();
        Timer.builder("cutover.rollback.duration").description("From StartRollback to the failed slot stopped")
                .tag("strategy", strategy).register(registry).record(durationMs, TimeUnit.MILLISECONDS);
        Timer.builder("cutover.rollback.traffic.restored")
                .description("From StartRollback to all traffic on the stable slot")
                .tag("strategy", strategy).register(registry).record(trafficRestoredMs, TimeUnit.MILLISECONDS);
    }

    public void failed(String strategy) {
        registry.counter("cutover.rollbacks", "outcome", "failed", "strategy", strategy).increment();
    }

    /** A rollback waiting for the operator was dropped by a CancelRollback. */
    public void cancelled(String strategy) {
        registry.counter("cutover.rollbacks", "outcome", "cancelled", "strategy", strategy).increment();
    }

    /** A gradual step's weights were confirmed by the provisioner. */
    public void stepCompleted(String strategy) {
        registry.counter("cutover.rollback.steps", "strategy", strategy).increment();
    }

    /** A gradual rollback stopped moving traffic because the stable slot turned unhealthy. */
    public void halted(String strategy) {
        registry.counter("cutover.rollback.halts", "strategy", strategy).increment();
    }
}
