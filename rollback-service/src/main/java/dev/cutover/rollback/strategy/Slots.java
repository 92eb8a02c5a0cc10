package dev.cutover.rollback.strategy;

import dev.cutover.events.RollbackCommand.StartRollback;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The slots a StartRollback names: {@code stableSlots} / {@code failedSlots} when given (rolling: every old and
 * every new instance), else the single {@code stableSlot} / {@code failedSlot}, as
 * {@link StartRollback#allStableSlots()} and {@link StartRollback#allFailedSlots()} define them, but null-safe.
 */
public final class Slots {

    private Slots() {
    }

    /** Every stable slot, in the command's order; empty if the command names none. */
    public static List<String> stable(StartRollback command) {
        return names(command.stableSlots(), command.stableSlot());
    }

    /** Every failed slot, in the command's order; empty if the command names none. */
    public static List<String> failed(StartRollback command) {
        return names(command.failedSlots(), command.failedSlot());
    }

    private static List<String> names(List<String> many, String one) {
        if (many != null && !many.isEmpty()) {
            return many;
        }
        return one == null || one.isBlank() ? List.of() : List.of(one);
    }

    /**
     * What makes the command's slots unusable for any strategy: none on a side, a blank or repeated name, or a
     * slot that is both stable and failed.
     */
    public static Optional<String> problem(StartRollback command) {
        List<String> stable = stable(command);
        List<String> failed = failed(command);
        if (stable.isEmpty()) {
            return Optional.of("no stable slot named");
        }
        if (failed.isEmpty()) {
            return Optional.of("no failed slot named");
        }
        for (List<String> side : List.of(stable, failed)) {
            Set<String> seen = new HashSet<>();
            for (String slot : side) {
                if (slot == null || slot.isBlank()) {
                    return Optional.of("slot names must not be blank: stable " + stable + ", failed " + failed);
                }
                if (!seen.add(slot)) {
                    return Optional.of("slot '" + slot + "' is named twice: stable " + stable + ", failed " + failed);
                }
            }
        }
        Set<String> both = new LinkedHashSet<>(stable);
        both.retainAll(new HashSet<>(failed));
        if (!both.isEmpty()) {
            List<String> quoted = new ArrayList<>();
            both.forEach(s -> quoted.add("'" + s + "'"));
            return Optional.of("stable and failed slot are both " + String.join(", ", quoted));
        }
        return Optional.empty();
    }

    /**
     * For strategies that move traffic between one pair: lists that name more than {@code stableSlot} and
     * {@code failedSlot} are rejected rather than half-followed.
     *
     * @throws IllegalArgumentException naming the slots
     */
    static void requireOnePair(StartRollback command, String strategy) {
        if (!stable(command).equals(List.of(command.stableSlot())) || !failed(command).equals(List.of(command.failedSlot()))) {
            throw new IllegalArgumentException(strategy + " moves traffic from one failed slot to one stable slot; stable "
                    + stable(command) + ", failed " + failed(command) + " need strategy rolling");
        }
    }
}
