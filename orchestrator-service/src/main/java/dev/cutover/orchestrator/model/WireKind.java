package dev.cutover.orchestrator.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * A kind that travels or is stored as a fixed string: an enum constant with its wire value. Control flow compares
 * kinds, never reason text.
 */
public interface WireKind {

    public String wire();

    /** Does {@code value} name this kind? */
    default boolean is(String value) {
        return wire().equals(value);
    }

    /** The kind of a wire value; empty for anything else (free text, a newer kind). */
    static <E extends Enum<E> & WireKind> Optional<E> parse(Class<E> type, String value) {
        return Arrays.stream(type.getEnumConstants()).filter(k -> k.wire().equals(value)).findFirst();
    }
}
