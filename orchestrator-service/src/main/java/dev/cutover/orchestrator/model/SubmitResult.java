package dev.cutover.orchestrator.model;

import java.util.List;

/** What became of a deployment request. */
public sealed interface SubmitResult {

    /** Started, or QUEUED behind the target's active deployment (onConflict queue or supersede). */
    record Accepted(Deployment deployment) implements SubmitResult {
    }

    record Invalid(List<Violation> violations) implements SubmitResult {
    }

    /**
     * The strategy cannot run on the target's kind (known from the request's overrides or an earlier deployment of
     * the target); {@code reason} names both.
     */
    record Unsupported(String strategy, String targetKind, String reason) implements SubmitResult {
    }

    /** The target already has a deployment that is not finished. */
    record Conflict(Deployment active) implements SubmitResult {
    }

    /** A redelivered request: the deployment with this id exists already. */
    record Duplicate(Deployment existing) implements SubmitResult {
    }
}
