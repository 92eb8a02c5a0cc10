package dev.cutover.orchestrator.access;

import dev.cutover.orchestrator.model.Actor;
import dev.cutover.security.access.Grants;

/**
 * Who calls the REST API: the token's subject and its grants; {@code subject} null for a call without a
 * (valid) token, which may do nothing.
 */
public record Caller(String subject, Grants grants) {

    public Caller {
        grants = grants == null ? Grants.none() : grants;
        subject = subject == null || subject.isBlank() ? null : subject;
    }

    public static Caller anonymous() {
        return new Caller(null, Grants.none());
    }

    public boolean authenticated() {
        return subject != null;
    }

    /** The audit's actor for this caller (authenticated only). */
    public Actor actor() {
        if (!authenticated()) {
            throw new IllegalStateException("an anonymous caller changes nothing");
        }
        return Actor.rest(subject);
    }
}
