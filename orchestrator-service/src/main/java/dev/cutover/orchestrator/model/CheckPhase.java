package dev.cutover.orchestrator.model;

/**
 * When a health check runs: RunHealthCheck / HealthCheckCompleted {@code phase}.
 */
public enum CheckPhase implements WireKind {
    /** The new slot before it gets traffic. */
    PRE_SWITCH,
    /** The new slot while it serves (the watch). */
    POST_SWITCH
}
