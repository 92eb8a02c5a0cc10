package dev.cutover.orchestrator.model;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A kind that travels or is stored as a fixed string: an enum constant whose wire value is its name in kebab case
 * (also its JSON, so stored snapshots keep their strings). Control flow compares kinds, never reason text.
 */
public interface WireKind {

    /** The enum constant's name (every enum has it). */
    String name();

    /** The constant's name in lower case with dashes: {@code MANUAL_ROLLBACK} is {@code manual-rollback}. */
    @JsonValue
    default String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Does {@code value} name this kind? */
    default boolean is(String value) {
        return wire().equals(value);
    }

    /** The kind of a wire value; empty for anything else (free text, a newer kind). */
    static <E extends Enum<E> & WireKind> Optional<E> parse(Class<E> type, String value) {
        return Arrays.stream(type.getEnumConstants()).filter(k -> k.wire().equals(value)).findFirst();
    }
}
