package dev.cutover.orchestrator.strategy;

/** Why a rollback starts: it decides the rollback strategy and the final status. */
public enum RollbackTrigger {
    /** A check, an analysis or a stage failed: the configured strategy; manual pauses. */
    FAILURE,
    /** POST /rollback: the configured strategy (manual means "now, immediately"). */
    OPERATOR,
    /** POST /abort: immediate. */
    ABORT,
    /** A newer deployment replaces this one: immediate, ends SUPERSEDED. */
    SUPERSEDE
}
