package dev.cutover.orchestrator.model;

import dev.cutover.events.DeploymentStatus;

import java.time.Instant;
import java.util.Locale;

/** An operator's action as recorded on the deployment: what, in which status, who and why (both optional). */
public record OperatorAction(String action, DeploymentStatus from, String by, String reason, Instant at) {

    public enum Kind {
        PROMOTE, PAUSE, RESUME, ABORT, APPROVE, ROLLBACK;

        public String path() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
