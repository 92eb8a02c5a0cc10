package dev.cutover.orchestrator.model;

/** As reported by the rollback-service's RollbackCompleted. */
public record RollbackFigures(long trafficRestoredMs, long durationMs) {
}
