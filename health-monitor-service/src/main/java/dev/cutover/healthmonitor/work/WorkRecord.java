package dev.cutover.healthmonitor.work;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.events.Command;
import dev.cutover.events.Message;
import dev.cutover.events.MessageCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * One command's work as the work log keeps it (JSON, record key {@code <target>|<command messageId>}): the command
 * itself in its wire JSON, when its run started and its absolute deadline, for an analysis the metric window it is
 * in, and once decided the verdict event that answered it.
 *
 * @param state      {@link State#RUNNING} until decided, then {@link State#DONE} with {@code verdict}; a command
 *                   another one replaced is {@link State#REPLACED} (never resumed, never answered)
 * @param startedAt  when the run started: a check's {@code maxWaitMs} / {@code windowMs}, an analysis's warm-up and
 *                   window count from here, whatever restarts happen
 * @param deadline   the absolute end the spec gives (an analysis: the window's end before any extension)
 * @param window     analyses: the metric window opened so far (null before it opened, and for checks)
 */
public record WorkRecord(State state, String commandType, JsonNode command, Instant startedAt, Instant deadline,
                         Window window, String verdictType, JsonNode verdict, Instant doneAt) {

    public enum State { RUNNING, DONE, REPLACED }

    /** Which window of an analysis is open. */
    public enum Phase { WARMUP, COMPARISON }

    /**
     * An analysis's open metric window: its phase, when its clock started and the provider's checkpoint of its start
     * (e.g. the router's cumulative counters then), from which a resumed run reads the same window on.
     */
    public record Window(Phase phase, Instant start, String checkpoint) {
    }

    public static WorkRecord running(Command command, Instant startedAt, Instant deadline, Window window) {
        return new WorkRecord(State.RUNNING, MessageCodec.typeName(command), json(command), startedAt, deadline, window,
                null, null, null);
    }

    public static WorkRecord done(Command command, Message verdict, Instant doneAt) {
        return new WorkRecord(State.DONE, MessageCodec.typeName(command), json(command), null, null, null,
                MessageCodec.typeName(verdict), json(verdict), doneAt);
    }

    public static WorkRecord replaced(Command command, Instant at) {
        return new WorkRecord(State.REPLACED, MessageCodec.typeName(command), json(command), null, null, null, null,
                null, at);
    }

    public WorkRecord withWindow(Window opened, Instant newDeadline) {
        return new WorkRecord(state, commandType, command, startedAt, newDeadline, opened, verdictType, verdict, doneAt);
    }

    /** The command, decoded as it came off the wire. */
    public Command decodedCommand() {
        return (Command) MessageCodec.decode(commandType, bytes(command));
    }

    /** The recorded verdict event, null unless DONE. */
    public Message decodedVerdict() {
        return verdict == null ? null : MessageCodec.decode(verdictType, bytes(verdict));
    }

    public byte[] toBytes() {
        try {
            return MessageCodec.mapper().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static WorkRecord fromBytes(byte[] bytes) {
        try {
            return MessageCodec.mapper().readValue(bytes, WorkRecord.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a health-monitor work record: " + e.getMessage(), e);
        }
    }

    private static JsonNode json(Message message) {
        try {
            return MessageCodec.mapper().readTree(MessageCodec.encode(message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MessageCodec.mapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
