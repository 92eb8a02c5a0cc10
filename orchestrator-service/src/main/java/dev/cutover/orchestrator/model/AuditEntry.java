package dev.cutover.orchestrator.model;

import dev.cutover.events.DeploymentStatus;

import java.time.Instant;

/**
 * One state-changing call on a deployment: what ({@code start}, {@code redeploy}, {@code promote}, {@code pause},
 * {@code resume}, {@code abort}, {@code approve}, {@code rollback}, {@code supersede}), who and how it came
 * ({@code subject}, {@code via}), when, why (the caller's reason, control characters replaced) and the status it
 * was called in ({@code from}; null for a new deployment).
 */
public record AuditEntry(String action, String subject, Actor.Via via, Instant at, String reason,
                         DeploymentStatus from) {

    public static AuditEntry of(String action, Actor actor, Instant at, String reason, DeploymentStatus from) {
        return new AuditEntry(action, actor.subject(), actor.via(), at, PlainText.of(reason), from);
    }

    public Actor actor() {
        return new Actor(subject, via);
    }
}
