package dev.cutover.orchestrator.model;

public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL
}
