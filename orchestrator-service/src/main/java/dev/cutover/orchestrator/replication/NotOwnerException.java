package dev.cutover.orchestrator.replication;

import dev.cutover.events.Target;

/**
 * A write for a target this replica does not own (any more): it was taken over by another replica between the
 * routing decision and the write. Nothing was changed; the caller may try again (REST answers 503 + Retry-After).
 */
public class NotOwnerException extends RuntimeException {

    private final transient Target target;

    public NotOwnerException(Target target) {
        super("target " + target.key() + " is not owned by this orchestrator replica");
        this.target = target;
    }

    public Target target() {
        return target;
    }
}
