package dev.cutover.orchestrator.model;

/**
 * Why traffic moves or a slot is released: the token the orchestrator and the rollback-service put in ShiftTraffic / ReleaseSlot {@code reason}, which the provisioner echoes in TrafficShifted / SlotReleased.
 */
public enum TrafficPurpose implements WireKind {
    /** Blue-green's switch. */
    SWITCH("switch"),
    /** A canary step (the reason also names the step). */
    CANARY("canary"),
    /** A rolling replacement. */
    ROLLING("rolling"),
    /** Moving traffic back / releasing after a rollback. */
    ROLLBACK("rollback"),
    /** Releasing what a successful deployment replaced. */
    CLEANUP("cleanup"),
    /** Releasing the new slot of a deployment that did not finish. */
    ABORT("abort"),
    /** Releasing what a failed attempt left before provisioning again. */
    RETRY("retry");

    private final String wire;

    TrafficPurpose(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }
}
