package dev.cutover.orchestrator.failure;

public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL
}
