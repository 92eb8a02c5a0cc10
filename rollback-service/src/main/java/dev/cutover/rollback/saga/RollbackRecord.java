package dev.cutover.rollback.saga;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.cutover.events.Message;
import dev.cutover.events.MessageCodec;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the saga knows about one rollback, as it is written to the work log ({@code cutover.rollback.commands.work},
 * record key {@code <targetKey>|<workId>}): enough to rebuild the rollback on another replica after a crash. The plan
 * is not stored: it is the strategy's plan of {@link #command}, and {@link #next} says how far it got. Every instant
 * is wall-clock time, so a restart neither stretches nor shortens a deadline or a pause.
 *
 * @param workId            the saga's key: the deployment id (the target key for a command without one)
 * @param status            {@link Status#PENDING} while it runs, {@link Status#DONE} once it ended
 * @param command           the StartRollback it carries out (its messageId dedupes repeats)
 * @param strategy          the strategy's name
 * @param next              index of the plan's next step (the current one is {@code next - 1})
 * @param awaiting          messageId of the provisioner command whose reply it waits for, or the id of the
 *                          running pause; null while it waits for the operator
 * @param awaitingType      what it waits for, in words (for the timeout's reason)
 * @param sentShift         the ShiftTraffic it waits for a reply to (re-sent as it is, same messageId, on resume)
 * @param sentRelease       the ReleaseSlot it waits for a reply to (likewise)
 * @param pauseEnd          when the current pause ends
 * @param startedAt         when it started
 * @param deadline          when it fails unless it ended
 * @param trafficRestoredMs after how many ms no failed slot had traffic any more, once that happened
 * @param weights           the weights last confirmed by TrafficShifted
 * @param lastCause         the message that caused its last step (the cause of what a pause leads to)
 * @param completed         DONE: the RollbackCompleted it answered
 * @param failed            DONE: the RollbackFailed it answered (neither: cancelled, nothing was answered)
 * @param finishedAt        DONE: when it ended (old DONE records are pruned)
 */
public record RollbackRecord(String workId, Status status, StartRollback command, String strategy, int next,
                             String awaiting, String awaitingType, ShiftTraffic sentShift, ReleaseSlot sentRelease,
                             Instant pauseEnd, Instant startedAt, Instant deadline, Long trafficRestoredMs,
                             Map<String, Integer> weights, Meta lastCause, RollbackCompleted completed,
                             RollbackFailed failed, Instant finishedAt) {

    /** Where a rollback is. */
    public enum Status {
        PENDING, DONE
    }

    public RollbackRecord {
        Objects.requireNonNull(workId, "workId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(command, "command");
        weights = weights == null ? null : Map.copyOf(weights);
    }

    /** A rollback that ended: {@code outcome} is what it answered (null: nothing, e.g. cancelled). */
    static RollbackRecord done(String workId, StartRollback command, String strategy, Message outcome, Instant at) {
        return new RollbackRecord(workId, Status.DONE, command, strategy, 0, null, null, null, null, null, null, null,
                null, null, null, outcome instanceof RollbackCompleted c ? c : null,
                outcome instanceof RollbackFailed f ? f : null, at);
    }

    /** The target whose partition holds the record. */
    @JsonIgnore
    public String targetKey() {
        return command.target().key();
    }

    /** DONE: what it answered (to answer a repeated StartRollback again); empty if nothing. */
    @JsonIgnore
    public List<Message> outcome() {
        return completed != null ? List.of(completed) : failed != null ? List.of(failed) : List.of();
    }

    /** The provisioner command it waits for a reply to, if any. */
    @JsonIgnore
    public Message sent() {
        return sentShift != null ? sentShift : sentRelease;
    }

    public byte[] toBytes() {
        try {
            return MessageCodec.mapper().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the rollback record of " + workId, e);
        }
    }

    /** @throws UncheckedIOException if {@code bytes} are no rollback record */
    public static RollbackRecord fromBytes(byte[] bytes) {
        try {
            return MessageCodec.mapper().readValue(bytes, RollbackRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable rollback record", e);
        }
    }
}
