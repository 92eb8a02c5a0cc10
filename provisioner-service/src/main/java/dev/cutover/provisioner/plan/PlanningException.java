package dev.cutover.provisioner.plan;

import dev.cutover.events.ProvisionerEvent.FailureCause;

import java.util.List;

/**
 * A plan or apply that could not be done: the message is the reason published in ProvisioningFailed,
 * {@link #kind()} its cause and {@link #createdResources()} what an apply had created before it failed (so
 * nothing half-created goes unrecorded).
 */
public class PlanningException extends Exception {

    private final FailureCause kind;
    private final List<String> createdResources;

    public PlanningException(String reason, FailureCause kind, List<String> createdResources, Throwable cause) {
        super(reason, cause);
        this.kind = kind;
        this.createdResources = createdResources == null ? List.of() : List.copyOf(createdResources);
    }

    public PlanningException(String reason, FailureCause kind) {
        this(reason, kind, List.of(), null);
    }

    /** Waiting does not help: the configuration (or the world since the plan was reviewed) is wrong. */
    public static PlanningException configuration(String reason) {
        return new PlanningException("configuration error: " + reason, FailureCause.CONFIGURATION);
    }

    public FailureCause kind() {
        return kind;
    }

    public List<String> createdResources() {
        return createdResources;
    }

    /** The same failure, also naming what had been created before it. */
    public PlanningException withCreated(List<String> created) {
        return new PlanningException(getMessage(), kind, created, getCause());
    }
}
