package dev.cutover.orchestrator.deployment;

public enum StageStatus {
    RUNNING, SUCCEEDED, FAILED
}
