package dev.cutover.healthmonitor.work;

import dev.cutover.events.Command;

/**
 * Where the check and analysis engines record their work, synchronously: a {@link #record} returns once the record is
 * durable (or throws). {@link #NONE} keeps nothing (engines used without Kafka, e.g. in unit tests).
 */
public interface WorkJournal {

    /** Records {@code record} as the latest state of {@code command}'s work; throws when it could not. */
    void record(Command command, WorkRecord record);

    WorkJournal NONE = (command, record) -> {
    };
}
