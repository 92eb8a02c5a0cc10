package dev.cutover.orchestrator.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;


/** Why a deployment is held (PAUSED or AWAITING_APPROVAL). The JSON value is the string snapshots have always had. */
public enum HoldKind implements WireKind {
    /** POST /pause. */
    OPERATOR("operator"),
    /** An analysis was inconclusive, or had too little data under policy pause. */
    ANALYSIS("analysis"),
    /** A rollback is needed and the environment's rollback strategy is manual. */
    MANUAL_ROLLBACK("manual-rollback"),
    /** The environment's approval gate. */
    APPROVAL("approval");

    private final String wire;

    HoldKind(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static HoldKind of(String wire) {
        return WireKind.parse(HoldKind.class, wire)
                .orElseThrow(() -> new IllegalArgumentException("unknown hold kind " + wire));
    }
}
