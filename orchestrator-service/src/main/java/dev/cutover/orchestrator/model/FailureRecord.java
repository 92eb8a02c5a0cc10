package dev.cutover.orchestrator.model;

import dev.cutover.events.DeploymentEvent.Failure;

import java.time.Instant;

/**
 * One classified failure of a deployment and what was done about it, as the view and the snapshot keep it.
 *
 * @param actionTaken e.g. "retry 2/3 in 30s", "rollback (immediate)", "stopped: fix the configuration"
 * @param action      the bounded kind of {@code actionTaken} (metric label)
 * @param attempt     the attempt that failed (1-based)
 * @param stage       the fine stage that failed
 */
public record FailureRecord(FailureType type, Severity severity, boolean recoverable, String suggestedAction,
                            String actionTaken, FailureAction action, int attempt, String stage, String reason,
                            Instant at) {

    public Failure toEvent() {
        return new Failure(type.name(), severity.name(), recoverable, suggestedAction, actionTaken, attempt);
    }
}
