package dev.cutover.orchestrator.model;

/** One invalid field of a request. */
public record Violation(String field, String message) {
}
