package dev.cutover.orchestrator.api;

/** The optional body of an operator action: who acts, and why (both recorded on the deployment). */
public record OperatorActionBody(String by, String reason) {
}
