package dev.cutover.orchestrator.model;

public enum StageStatus {
    RUNNING, SUCCEEDED, FAILED,
    /** Left before it finished: an operator paused, promoted or rolled back, or a newer deployment superseded it. */
    INTERRUPTED
}
