package dev.cutover.orchestrator.model;

/**
 * What was done about a classified failure, as a bounded kind (the {@code action} metric label); the words for
 * people are in {@link FailureRecord#actionTaken()}.
 */
public enum FailureAction implements WireKind {
    RETRY,
    ROLLBACK,
    RELEASE,
    PAUSE,
    STOP,
    NONE
}
