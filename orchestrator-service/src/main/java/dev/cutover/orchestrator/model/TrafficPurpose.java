package dev.cutover.orchestrator.model;

/**
 * Why traffic moves or a slot is released: the token the orchestrator and the rollback-service put in ShiftTraffic / ReleaseSlot {@code reason}, which the provisioner echoes in TrafficShifted / SlotReleased.
 */
public enum TrafficPurpose implements WireKind {
    /** Blue-green's switch. */
    SWITCH,
    /** A canary step (the reason also names the step). */
    CANARY,
    /** A rolling replacement. */
    ROLLING,
    /** Moving traffic back / releasing after a rollback. */
    ROLLBACK,
    /** Releasing what a successful deployment replaced. */
    CLEANUP,
    /** Releasing the new slot of a deployment that did not finish. */
    ABORT,
    /** Releasing what a failed attempt left before provisioning again. */
    RETRY
}
