package dev.cutover.orchestrator.engine.recovery;

import dev.cutover.orchestrator.model.FailureType;
import dev.cutover.orchestrator.model.Severity;

/**
 * A failure's kind and what to do about it. {@code recoverable}: retrying the same thing may work (before traffic
 * moved the orchestrator does so, within the recovery policy); otherwise it needs a rollback or a person.
 */
public record Classification(FailureType type, Severity severity, boolean recoverable, String suggestedAction) {
}
