package dev.cutover.rollback.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RollbackMetricsTest {

    /** Prometheus's increase() cannot see a series' first value: the counters must exist at 0 before any rollback. */
    @ParameterizedTest
    @CsvSource({"completed, immediate", "completed, gradual", "completed, rolling", "failed, immediate",
            "failed, gradual", "failed, rolling", "failed, manual", "cancelled, manual"})
    void rollbackCountersStartAtZero(String outcome, String strategy) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new RollbackMetrics(registry);
        assertEquals(0.0, registry.get("cutover.rollbacks").tag("outcome", outcome).tag("strategy", strategy)
                .counter().count());
    }
}
