package dev.cutover.orchestrator.failure;

/**
 * A failure's kind and what to do about it. {@code recoverable}: retrying the same thing may work (before traffic
 * moved the orchestrator does so, within the recovery policy); otherwise it needs a rollback or a person.
 */
public record Classification(FailureType type, Severity severity, boolean recoverable, String suggestedAction) {
}
