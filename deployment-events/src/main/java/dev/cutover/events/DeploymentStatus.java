package dev.cutover.events;

/** Where a deployment is. {@link #terminal()} ones never change again. */
public enum DeploymentStatus {
    /** Waiting for the target's running deployment to end (concurrency policy "queue"). */
    QUEUED,
    PENDING, CONFIGURING, PROVISIONING, VERIFYING, SWITCHING, MONITORING,
    /** Canary or rolling steps under way. */
    PROGRESSING,
    /** Held by an operator, by an inconclusive analysis, or by the manual rollback strategy. */
    PAUSED,
    /** Waiting at an approval gate (e.g. before promote in production). */
    AWAITING_APPROVAL,
    CLEANING_UP, ROLLING_BACK,
    SUCCEEDED, FAILED, ROLLED_BACK,
    /** Ended because a newer deployment of the same target replaced it (concurrency policy "supersede"). */
    SUPERSEDED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == ROLLED_BACK || this == SUPERSEDED;
    }
}
