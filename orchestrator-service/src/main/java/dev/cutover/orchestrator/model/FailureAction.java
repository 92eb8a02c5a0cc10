package dev.cutover.orchestrator.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;


/**
 * What was done about a classified failure, as a bounded kind (the {@code action} metric label); the words for
 * people are in {@link FailureRecord#actionTaken()}. The JSON value is the string snapshots have always had.
 */
public enum FailureAction implements WireKind {
    RETRY("retry"),
    ROLLBACK("rollback"),
    RELEASE("release"),
    PAUSE("pause"),
    STOP("stop"),
    NONE("none");

    private final String wire;

    FailureAction(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static FailureAction of(String wire) {
        return WireKind.parse(FailureAction.class, wire)
                .orElseThrow(() -> new IllegalArgumentException("unknown failure action " + wire));
    }
}
