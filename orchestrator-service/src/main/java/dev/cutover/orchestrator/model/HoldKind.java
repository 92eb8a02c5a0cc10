package dev.cutover.orchestrator.model;

/** Why a deployment is held (PAUSED or AWAITING_APPROVAL). */
public enum HoldKind implements WireKind {
    /** POST /pause. */
    OPERATOR,
    /** An analysis was inconclusive, or had too little data under policy pause. */
    ANALYSIS,
    /** A rollback is needed and the environment's rollback strategy is manual. */
    MANUAL_ROLLBACK,
    /** The environment's approval gate. */
    APPROVAL,
    /** A plan with changes waits for an operator before anything is created ({@code pipeline.approval-before-provision}). */
    PROVISION_APPROVAL
}
