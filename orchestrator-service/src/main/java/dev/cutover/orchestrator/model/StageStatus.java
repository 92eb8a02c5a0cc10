package dev.cutover.orchestrator.deployment;

public enum StageStatus {
    RUNNING, SUCCEEDED, FAILED,
    /** Left before it finished: an operator paused, promoted or rolled back, or a newer deployment superseded it. */
    INTERRUPTED
}
