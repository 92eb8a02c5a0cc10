package dev.cutover.orchestrator.deployment;

import dev.cutover.events.DeploymentEvent.Failure;
import dev.cutover.orchestrator.failure.Classification;

import java.time.Instant;

/**
 * One classified failure of a deployment and what was done about it, as the view and the snapshot keep it.
 *
 * @param actionTaken e.g. "retry 2/3 in 30s", "rollback (immediate)", "stopped: fix the configuration"
 * @param action      the bounded kind of {@code actionTaken} (metric label): retry, rollback, release, pause, stop,
 *                    none
 * @param attempt     the attempt that failed (1-based)
 * @param stage       the fine stage that failed
 */
public record FailureRecord(String type, String severity, boolean recoverable, String suggestedAction,
                            String actionTaken, String action, int attempt, String stage, String reason, Instant at) {

    public static final String RETRY = "retry";
    public static final String ROLLBACK = "rollback";
    public static final String RELEASE = "release";
    public static final String PAUSE = "pause";
    public static final String STOP = "stop";
    public static final String NONE = "none";

    static FailureRecord of(Classification c, String actionTaken, String action, int attempt, String stage,
                            String reason, Instant at) {
        return new FailureRecord(c.type().name(), c.severity().name(), c.recoverable(), c.suggestedAction(),
                actionTaken, action, attempt, stage, reason, at);
    }

    Failure toEvent() {
        return new Failure(type, severity, recoverable, suggestedAction, actionTaken, attempt);
    }
}
