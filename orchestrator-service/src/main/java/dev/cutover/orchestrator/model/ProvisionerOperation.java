package dev.cutover.orchestrator.model;

/**
 * What the provisioner was doing when it failed: ProvisioningFailed {@code operation}.
 */
public enum ProvisionerOperation implements WireKind {
    /** Starting a slot. */
    PROVISION,
    /** Setting traffic weights. */
    SHIFT,
    /** Releasing a slot. */
    RELEASE,
    /** Planning the target's infrastructure (PlanInfrastructure). */
    PLAN,
    /** Applying a plan (ApplyInfrastructure). */
    APPLY
}
