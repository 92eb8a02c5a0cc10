package dev.cutover.orchestrator.model;

/**
 * What the provisioner was doing when it failed: ProvisioningFailed {@code operation}.
 */
public enum ProvisionerOperation implements WireKind {
    /** Starting a slot. */
    PROVISION("provision"),
    /** Setting traffic weights. */
    SHIFT("shift"),
    /** Releasing a slot. */
    RELEASE("release");

    private final String wire;

    ProvisionerOperation(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }
}
