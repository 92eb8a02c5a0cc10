package dev.cutover.orchestrator.deployment;

/** One invalid field of a request. */
public record Violation(String field, String message) {
}
