package dev.cutover.rollback.saga;

import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.CancelRollback;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.RollbackEvent.RollbackStarted;
import dev.cutover.events.RollbackEvent.RollbackStepCompleted;
import dev.cutover.events.Target;
import dev.cutover.rollback.metrics.RollbackMetrics;
import dev.cutover.rollback.strategy.RollbackStep;
import dev.cutover.rollback.strategy.RollbackStrategies;
import dev.cutover.rollback.strategy.RollbackStrategy;
import dev.cutover.rollback.strategy.Slots;
import dev.cutover.rollback.watch.StableWatch;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The rollback saga, without a broker: takes a command or a provisioner reply, returns the messages to
 * publish. Each pending rollback runs one step at a time: a provisioner command whose reply is matched by
 * {@code causationId}, or a pause handed to the {@link StableWatch}, whose outcome comes back through a
 * listener (and is published by the watch), or an {@link RollbackStep.AwaitOperator} (strategy manual), which
 * only a later command ends: a StartRollback for the same deployment replaces it, a CancelRollback drops it.
 *
 * <p>Durable: every change of a rollback (started, step sent, reply matched, pause started, waiting for the
 * operator, ended) is written to the {@link RollbackStore} before the method returns, so before anything it
 * causes is published; if the write fails the rollback is left as it was and {@link NotRecordedException} is
 * thrown (nothing to publish; the caller tries again). A replica that is assigned a target's partition
 * {@link #resume}s its rollbacks from their records; one that loses it {@link #release}s them silently. An ended
 * rollback stays as a DONE record with what it answered, so a repeated StartRollback (same messageId) is answered
 * again instead of rolled back twice; DONE records older than the retention are {@link #prune}d. Deadlines and
 * pause ends are absolute wall-clock instants.
 *
 * <p>Thread-safe (the consumer, the deadline sweep, the watch and the rebalance listener call it).
 */
public final class RollbackSaga {

    static final String REASON = "rollback";
    private static final Logger LOG = Logger.getLogger(RollbackSaga.class);
    /** A pause restored after a failed write waits at least this long before it tries again. */
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private final RollbackStrategies strategies;
    private final Duration timeout;
    private final LongSupplier clockMs;
    private final StableWatch watch;
    private final RollbackMetrics metrics;
    private final RollbackStore store;
    private final Duration doneRetention;
    private final Duration resendAfter;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Map<String, RollbackRecord> done = new LinkedHashMap<>();

    /**
     * @param timeout       how long a rollback may wait for the provisioner; planned pauses come on top (a plan
     *                      that only waits for the operator gets its own wait instead)
     * @param clockMs       the wall clock in epoch milliseconds (deadlines are absolute: they outlive the process)
     * @param store         where every change of a rollback is written before it takes effect
     * @param doneRetention how long an ended rollback's record (and answer) is kept for repeated commands
     * @param resendAfter   how long a provisioner command may go unanswered before {@link #overdue} sends it again
     */
    public RollbackSaga(RollbackStrategies strategies, Duration timeout, LongSupplier clockMs, StableWatch watch,
                        RollbackMetrics metrics, RollbackStore store, Duration doneRetention, Duration resendAfter) {
        this.strategies = strategies;
        this.timeout = timeout;
        this.clockMs = clockMs;
        this.watch = watch;
        this.metrics = metrics;
        this.store = store;
        this.doneRetention = doneRetention;
        this.resendAfter = resendAfter;
    }

    /** A change of a rollback could not be written: nothing changed, nothing is to be published; try again. */
    public static final class NotRecordedException extends RuntimeException {
        NotRecordedException(String workId, RuntimeException cause) {
            super("rollback " + workId + " not recorded: " + cause.getMessage(), cause);
        }
    }

    private static final class Pending {
        final StartRollback command;
        final String strategy;
        final List<RollbackStep> steps;
        final long startedMs;
        final long deadlineMs;
        int next;
        String awaiting; // messageId of the command whose reply we wait for, or the id of the running watch
        String awaitingType;
        Message sent; // the provisioner command whose reply we wait for
        long sentMs; // when it was last sent (memory only: a resumed rollback sends it again at once)
        Long pauseEndMs;
        Long trafficRestoredMs;
        Map<String, Integer> weights; // as last confirmed by TrafficShifted
        Meta lastCause;

        Pending(StartRollback command, String strategy, List<RollbackStep> steps, long startedMs, long deadlineMs) {
            this.command = command;
            this.strategy = strategy;
            this.steps = steps;
            this.startedMs = startedMs;
            this.deadlineMs = deadlineMs;
        }
    }

    /**
     * Starts a rollback. For a deployment whose rollback is in progress this is a duplicate and ignored, unless
     * that rollback waits for the operator: then a StartRollback of another strategy is the operator's decision
     * and replaces it (the waiting one ends silently; the new one starts from scratch, RollbackStarted included,
     * and is rejected like any other if invalid), while one of the same strategy (the orchestrator re-issuing it
     * after a restart) is ignored. The same StartRollback again (same messageId) after its rollback ended is
     * answered again with what it answered then, and nothing moves.
     */
    public synchronized List<Message> start(StartRollback command) {
        String key = key(command.meta(), command.target());
        RollbackRecord ended = done.get(key);
        if (ended != null && ended.command().meta().messageId().equals(command.meta().messageId())) {
            LOG.infof("Rollback of %s (deployment %s) already ended: repeated StartRollback answered again (%s)",
                    command.target(), key, ended.outcome().isEmpty() ? "nothing to answer"
                            : ended.outcome().get(0).getClass().getSimpleName());
            return ended.outcome();
        }
        return change(key, () -> doStart(key, command));
    }

    private List<Message> doStart(String key, StartRollback command) {
        Pending existing = pending.get(key);
        if (existing != null) {
            if (!(current(existing) instanceof RollbackStep.AwaitOperator)) {
                LOG.infof("Rollback of %s (deployment %s) already in progress: duplicate StartRollback ignored",
                        command.target(), key);
                return List.of();
            }
            if (existing.strategy.equals(command.strategy())) {
                LOG.infof("Rollback of %s (deployment %s) already waits for an operator decision: duplicate "
                        + "StartRollback ignored", command.target(), key);
                return List.of();
            }
            pending.remove(key);
            LOG.infof("Rollback of %s (deployment %s): operator decided after %d ms, %s rollback replaced by %s",
                    command.target(), key, clockMs.getAsLong() - existing.startedMs, existing.strategy,
                    command.strategy());
        }
        Optional<RollbackStrategy> strategy = strategies.byName(command.strategy());
        if (strategy.isEmpty()) {
            return rejected(key, command, RollbackMetrics.UNKNOWN,
                    "unknown rollback strategy '" + command.strategy() + "' (known: " + strategies.known() + ")");
        }
        String name = strategy.get().name();
        Optional<String> slots = Slots.problem(command);
        if (slots.isPresent()) {
            return rejected(key, command, name, slots.get());
        }
        List<RollbackStep> plan;
        try {
            plan = strategy.get().plan(command);
        } catch (IllegalArgumentException e) {
            return rejected(key, command, name, "invalid " + name + " rollback: " + e.getMessage());
        }
        long now = clockMs.getAsLong();
        Pending p = new Pending(command, name, plan, now, now + allowedMs(plan));
        done.remove(key);
        pending.put(key, p);
        LOG.infof("Rollback of %s (deployment %s) started: %s, traffic back to %s, stopping %s", command.target(), key,
                p.strategy, String.join(", ", Slots.stable(command)), String.join(", ", Slots.failed(command)));
        List<Message> out = new ArrayList<>();
        out.add(new RollbackStarted(Meta.causedBy(command.meta()), command.target(), command.stableSlot(),
                command.failedSlot(), p.strategy));
        out.addAll(nextStep(key, p, command.meta()));
        return out;
    }

    /**
     * The deadline covers the provisioner's answers (if the plan asks it anything); the pauses and the operator
     * waits the plan itself asks for come on top.
     */
    private long allowedMs(List<RollbackStep> plan) {
        long planned = 0;
        boolean provisioner = false;
        for (RollbackStep step : plan) {
            if (step instanceof RollbackStep.Pause pause) {
                planned += pause.interval().toMillis();
            } else if (step instanceof RollbackStep.AwaitOperator await) {
                planned += await.maxWait().toMillis();
            } else {
                provisioner = true;
            }
        }
        return planned + (provisioner ? timeout.toMillis() : 0);
    }

    /**
     * Drops a rollback that waits for the operator: nothing is published (the orchestrator, which sent the
     * cancel, knows). A rollback already moving traffic is not cancelled, and a cancel for a deployment without a
     * rollback (already cancelled, ended, or never started) changes nothing; both are logged.
     */
    public synchronized List<Message> cancel(CancelRollback command) {
        String key = key(command.meta(), command.target());
        Pending p = pending.get(key);
        if (p == null) {
            LOG.infof("Rollback of %s (deployment %s): no rollback in progress, CancelRollback ignored (%s)",
                    command.target(), key, command.reason());
            return List.of();
        }
        if (!(current(p) instanceof RollbackStep.AwaitOperator)) {
            LOG.warnf("Rollback of %s (deployment %s): %s rollback is moving traffic and is not cancelled; "
                    + "CancelRollback ignored (%s)", command.target(), key, p.strategy, command.reason());
            return List.of();
        }
        return change(key, () -> {
            finish(key, p, null);
            LOG.infof("Rollback of %s (deployment %s) cancelled after %d ms waiting for an operator decision: %s",
                    command.target(), key, clockMs.getAsLong() - p.startedMs, command.reason());
            metrics.cancelled(p.strategy);
            return List.of();
        });
    }

    /**
     * A provisioner event: a reply to one of our commands, or someone else's (ignored). Tolerant of repeats: a
     * reply to a command that was re-sent after a take-over may come twice (to the first send and to the second),
     * and a reply already handled before a crash may be consumed again; only the first reply to the command a
     * rollback waits for moves it on, any other is ignored.
     */
    public synchronized List<Message> onProvisionerEvent(ProvisionerEvent event) {
        String causation = event.meta().causationId();
        if (causation == null) {
            return List.of();
        }
        for (Map.Entry<String, Pending> entry : pending.entrySet()) {
            Pending p = entry.getValue();
            if (causation.equals(p.awaiting)) {
                String key = entry.getKey();
                return change(key, () -> reply(key, p, event));
            }
        }
        return List.of();
    }

    /**
     * Fails every rollback whose deadline has passed. One whose failure cannot be recorded stays as it is (and is
     * tried again by the next sweep).
     */
    public synchronized List<Message> expire() {
        long now = clockMs.getAsLong();
        List<Message> out = new ArrayList<>();
        for (Map.Entry<String, Pending> entry : List.copyOf(pending.entrySet())) {
            String key = entry.getKey();
            Pending p = entry.getValue();
            if (now >= p.deadlineMs) {
                try {
                    out.addAll(change(key, () -> expired(key, p)));
                } catch (NotRecordedException e) {
                    LOG.warnf("Rollback of %s (deployment %s): its timeout is not recorded yet (%s)",
                            p.command.target(), key, e.getMessage());
                }
            }
        }
        return out;
    }

    private List<Message> expired(String key, Pending p) {
        RollbackStep step = current(p);
        if (step instanceof RollbackStep.Pause) {
            watch.cancel(p.awaiting);
        }
        String reason = step instanceof RollbackStep.AwaitOperator await
                ? "no operator decision within " + describe(await.maxWait())
                : "timed out after " + (p.deadlineMs - p.startedMs) + " ms waiting for " + p.awaitingType
                + (step instanceof RollbackStep.Pause ? "" : " from the provisioner");
        LOG.warnf("Rollback of %s (deployment %s) failed: %s", p.command.target(), key, reason);
        metrics.failed(p.strategy);
        RollbackFailed failed = new RollbackFailed(Meta.causedBy(p.command.meta()), p.command.target(), reason);
        finish(key, p, failed);
        return List.of(failed);
    }

    /**
     * The provisioner commands whose reply is overdue ({@code resendAfter}), to be sent again as they are (same
     * messageId; the provisioner is idempotent): one lost on its way (a failed publish, a broker restart) is asked
     * again instead of waiting for the rollback's deadline.
     */
    public synchronized List<Message> overdue() {
        long now = clockMs.getAsLong();
        List<Message> out = new ArrayList<>();
        for (Map.Entry<String, Pending> entry : pending.entrySet()) {
            Pending p = entry.getValue();
            if (p.sent != null && now - p.sentMs >= resendAfter.toMillis() && now < p.deadlineMs) {
                LOG.infof("Rollback of %s (deployment %s): no %s after %d ms, its command sent again (same id %s)",
                        p.command.target(), entry.getKey(), p.awaitingType, now - p.sentMs, p.sent.meta().messageId());
                p.sentMs = now;
                out.add(p.sent);
            }
        }
        return out;
    }

    /**
     * Deletes the records of rollbacks that ended more than the retention ago (a record that cannot be deleted now
     * is tried again next time).
     */
    public synchronized void prune() {
        Instant before = Instant.ofEpochMilli(clockMs.getAsLong()).minus(doneRetention);
        for (RollbackRecord r : List.copyOf(done.values())) {
            if (r.finishedAt() != null && r.finishedAt().isBefore(before)) {
                try {
                    store.remove(r.targetKey(), r.workId());
                    done.remove(r.workId());
                } catch (RuntimeException e) {
                    LOG.warnf("Rollback %s: its ended record is not deleted yet (%s)", r.workId(), e.getMessage());
                }
            }
        }
    }

    /** Rollbacks in progress on this replica. */
    public synchronized int inProgress() {
        return pending.size();
    }

    /** Ended rollbacks whose record (and answer) this replica keeps. */
    public synchronized int ended() {
        return done.size();
    }

    /** Whether this replica holds the rollback of {@code workId} (in progress or ended). */
    public synchronized boolean holds(String workId) {
        return pending.containsKey(workId) || done.containsKey(workId);
    }

    /**
     * Takes over the rollbacks of {@code records} (the work log of partitions just assigned): an ended one is kept
     * to answer repeats; one in progress goes on where it was. Returns what to publish at once: for each that waits
     * for the provisioner, the command it waits for, as it was sent (same messageId; the provisioner is
     * idempotent, and a reply to either send moves it on). A pause goes on until its original end; an operator
     * wait keeps waiting. Rollbacks already held here are left as they are.
     */
    public synchronized List<Message> resume(Collection<RollbackRecord> records) {
        List<Message> out = new ArrayList<>();
        for (RollbackRecord r : records) {
            if (holds(r.workId())) {
                continue;
            }
            try {
                install(r, Duration.ZERO).ifPresent(out::add);
            } catch (RuntimeException e) {
                LOG.errorf(e, "Rollback %s of %s: cannot resume from its record", r.workId(), r.command().target());
            }
        }
        if (!records.isEmpty()) {
            LOG.infof("Resumed %d rollback record(s): %d in progress here, %d re-sent", records.size(), pending.size(),
                    out.size());
        }
        return out;
    }

    /**
     * Lets go of the rollbacks of targets in {@code partitions} (revoked: another replica resumes them), without
     * any verdict; their pauses stop.
     */
    public synchronized void release(Set<Integer> partitions) {
        int released = 0;
        for (Map.Entry<String, Pending> entry : List.copyOf(pending.entrySet())) {
            Pending p = entry.getValue();
            if (partitions.contains(store.partitionOf(p.command.target().key()))) {
                if (current(p) instanceof RollbackStep.Pause) {
                    watch.cancel(p.awaiting);
                }
                pending.remove(entry.getKey());
                released++;
            }
        }
        done.values().removeIf(r -> partitions.contains(store.partitionOf(r.targetKey())));
        if (released > 0) {
            LOG.infof("Released %d rollback(s) in progress of partitions %s to their new owner", released, partitions);
        }
    }

    /** The record of the rollback of {@code workId} as it is now, if this replica holds it. */
    public synchronized Optional<RollbackRecord> record(String workId) {
        Pending p = pending.get(workId);
        return p != null ? Optional.of(record(workId, p)) : Optional.ofNullable(done.get(workId));
    }

    /**
     * Runs {@code operation} on the rollback of {@code key} and writes its record if it changed; if the write
     * fails, the rollback is put back as it was before (a pause restarted, with a short delay when already over).
     */
    private List<Message> change(String key, Supplier<List<Message>> operation) {
        Pending beforePending = pending.get(key);
        RollbackRecord before = beforePending != null ? record(key, beforePending) : done.get(key);
        List<Message> out = operation.get();
        Pending afterPending = pending.get(key);
        RollbackRecord after = afterPending != null ? record(key, afterPending) : done.get(key);
        if (Objects.equals(before, after)) {
            return out;
        }
        try {
            if (after != null) {
                store.put(after);
            } else {
                store.remove(before.targetKey(), key);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Rollback of deployment %s: change not recorded, left as it was (%s)", key, e.getMessage());
            if (afterPending != null && current(afterPending) instanceof RollbackStep.Pause) {
                watch.cancel(afterPending.awaiting);
            }
            pending.remove(key);
            done.remove(key);
            if (before != null) {
                install(before, RETRY_DELAY);
            }
            throw new NotRecordedException(key, e);
        }
        return out;
    }

    /**
     * Makes the rollback of {@code r} the one held here; restarts its pause (at least {@code minPause} from now).
     * The command it waits for, if any.
     */
    private Optional<Message> install(RollbackRecord r, Duration minPause) {
        String key = r.workId();
        if (r.status() == RollbackRecord.Status.DONE) {
            done.put(key, r);
            return Optional.empty();
        }
        RollbackStrategy strategy = strategies.byName(r.strategy())
                .orElseThrow(() -> new IllegalStateException("unknown strategy " + r.strategy()));
        List<RollbackStep> plan = strategy.plan(r.command());
        Pending p = new Pending(r.command(), r.strategy(), plan, r.startedAt().toEpochMilli(),
                r.deadline().toEpochMilli());
        p.next = r.next();
        p.awaiting = r.awaiting();
        p.awaitingType = r.awaitingType();
        p.sent = r.sent();
        p.sentMs = clockMs.getAsLong();
        p.pauseEndMs = r.pauseEnd() == null ? null : r.pauseEnd().toEpochMilli();
        p.trafficRestoredMs = r.trafficRestoredMs();
        p.weights = r.weights();
        p.lastCause = r.lastCause();
        pending.put(key, p);
        RollbackStep step = current(p);
        if (step instanceof RollbackStep.Pause pause) {
            long left = Math.max(p.pauseEndMs - clockMs.getAsLong(), minPause.toMillis());
            LOG.infof("Rollback of %s (deployment %s): holding step %d for the %d ms left of its interval",
                    p.command.target(), key, pause.afterStep(), left);
            startWatch(key, p, p.awaiting, Duration.ofMillis(left), pause.healthUrl());
            return Optional.empty();
        }
        if (step instanceof RollbackStep.AwaitOperator) {
            LOG.infof("Rollback of %s (deployment %s) still waits for an operator decision", p.command.target(), key);
            return Optional.empty();
        }
        if (p.sent != null) {
            LOG.infof("Rollback of %s (deployment %s): waits for %s, its command sent again (same id %s)",
                    p.command.target(), key, p.awaitingType, p.sent.meta().messageId());
        }
        return Optional.ofNullable(p.sent);
    }

    private RollbackRecord record(String key, Pending p) {
        return new RollbackRecord(key, RollbackRecord.Status.PENDING, p.command, p.strategy, p.next, p.awaiting,
                p.awaitingType, p.sent instanceof ShiftTraffic s ? s : null,
                p.sent instanceof ReleaseSlot r ? r : null,
                p.pauseEndMs == null ? null : Instant.ofEpochMilli(p.pauseEndMs), Instant.ofEpochMilli(p.startedMs),
                Instant.ofEpochMilli(p.deadlineMs), p.trafficRestoredMs, p.weights, p.lastCause, null, null, null);
    }

    /** Ends the rollback: from now on it is a DONE record that answers repeats with {@code outcome}. */
    private void finish(String key, Pending p, Message outcome) {
        pending.remove(key);
        done.put(key, RollbackRecord.done(key, p.command, p.strategy, outcome, Instant.ofEpochMilli(clockMs.getAsLong())));
    }

    private List<Message> reply(String key, Pending p, ProvisionerEvent event) {
        StartRollback command = p.command;
        long now = clockMs.getAsLong();
        RollbackStep step = current(p);
        if (!(step instanceof RollbackStep.Shift || step instanceof RollbackStep.Release)) {
            return List.of(); // a watch id never names a provisioner command, nor does an operator wait
        }
        if (event instanceof ProvisioningFailed failed) {
            String reason = "provisioner could not " + failed.operation()
                    + (failed.slot() == null ? "" : " slot " + failed.slot()) + ": " + failed.reason()
                    + (p.weights == null ? "" : "; last confirmed weights " + describe(p, p.weights));
            LOG.warnf("Rollback of %s (deployment %s) failed: %s", command.target(), key, reason);
            metrics.failed(p.strategy);
            RollbackFailed out = new RollbackFailed(Meta.causedBy(event.meta()), command.target(), reason);
            finish(key, p, out);
            return List.of(out);
        }
        boolean expected = step instanceof RollbackStep.Shift ? event instanceof TrafficShifted
                : event instanceof SlotReleased;
        if (!expected) {
            return List.of();
        }
        List<Message> out = new ArrayList<>();
        if (event instanceof TrafficShifted shifted) {
            p.weights = shifted.weights();
            if (p.trafficRestoredMs == null && noTrafficOnFailed(command, shifted.weights())) {
                p.trafficRestoredMs = now - p.startedMs;
                LOG.infof("Rollback of %s (deployment %s): all traffic on %s after %d ms", command.target(), key,
                        String.join(", ", Slots.stable(command)), p.trafficRestoredMs);
            }
            int number = ((RollbackStep.Shift) step).step();
            if (number > 0) {
                LOG.infof("Rollback of %s (deployment %s): step %d of %d done, weights %s", command.target(), key,
                        number, stepCount(p), describe(p, shifted.weights()));
                metrics.stepCompleted(p.strategy);
                out.add(new RollbackStepCompleted(Meta.causedBy(event.meta()), command.target(), number,
                        shifted.weights()));
            }
        }
        out.addAll(nextStep(key, p, event.meta()));
        return out;
    }

    private List<Message> nextStep(String key, Pending p, Meta cause) {
        StartRollback command = p.command;
        p.lastCause = cause;
        p.sent = null;
        p.pauseEndMs = null;
        if (p.next >= p.steps.size()) {
            long duration = clockMs.getAsLong() - p.startedMs;
            long restored = p.trafficRestoredMs == null ? duration : p.trafficRestoredMs;
            LOG.infof("Rollback of %s (deployment %s) completed in %d ms (traffic restored after %d ms)",
                    command.target(), key, duration, restored);
            metrics.completed(p.strategy, restored, duration);
            RollbackCompleted completed = new RollbackCompleted(Meta.causedBy(cause), command.target(),
                    Slots.stable(command).get(0), restored, duration);
            finish(key, p, completed);
            return List.of(completed);
        }
        RollbackStep step = p.steps.get(p.next++);
        if (step instanceof RollbackStep.AwaitOperator await) {
            p.awaiting = null; // no reply ends it: start() replaces it, cancel() drops it, expire() fails it
            p.awaitingType = "an operator decision";
            LOG.infof("Rollback of %s (deployment %s) waits up to %s for an operator decision (a new StartRollback "
                    + "or a CancelRollback)", command.target(), key, describe(await.maxWait()));
            return List.of();
        }
        if (step instanceof RollbackStep.Pause pause) {
            String id = UUID.randomUUID().toString();
            p.awaiting = id;
            p.awaitingType = "the interval after step " + pause.afterStep();
            p.pauseEndMs = clockMs.getAsLong() + pause.interval().toMillis();
            LOG.infof("Rollback of %s (deployment %s): holding step %d for %d ms%s", command.target(), key,
                    pause.afterStep(), pause.interval().toMillis(),
                    pause.healthUrl() == null ? "" : ", watching " + pause.healthUrl());
            startWatch(key, p, id, pause.interval(), pause.healthUrl());
            return List.of();
        }
        Message out = step instanceof RollbackStep.Shift shift
                ? new ShiftTraffic(Meta.causedBy(cause), command.target(), shift.weights(), REASON, null,
                        command.placement())
                : new ReleaseSlot(Meta.causedBy(cause), command.target(), ((RollbackStep.Release) step).slot(), REASON,
                        command.placement());
        p.awaiting = out.meta().messageId();
        p.awaitingType = step instanceof RollbackStep.Shift ? "TrafficShifted" : "SlotReleased";
        p.sent = out;
        p.sentMs = clockMs.getAsLong();
        return List.of(out);
    }

    private void startWatch(String key, Pending p, String id, Duration interval, String healthUrl) {
        watch.start(new StableWatch.Watch(id, p.command.meta().deploymentId(), p.command.target().key(), interval,
                healthUrl), new StableWatch.Listener() {
            @Override
            public List<Message> elapsed() {
                return intervalElapsed(key, id);
            }

            @Override
            public List<Message> unhealthy(String observed) {
                return stableUnhealthy(key, id, observed);
            }
        });
    }

    private synchronized List<Message> intervalElapsed(String key, String watchId) {
        Pending p = pending.get(key);
        if (p == null || !watchId.equals(p.awaiting)) {
            return List.of(); // timed out meanwhile, released, or a stale watch
        }
        return change(key, () -> nextStep(key, p, p.lastCause));
    }

    /** Halts: more traffic must not go to a stable slot that fails; what it already has stays where it is. */
    private synchronized List<Message> stableUnhealthy(String key, String watchId, String observed) {
        Pending p = pending.get(key);
        if (p == null || !watchId.equals(p.awaiting)) {
            return List.of();
        }
        return change(key, () -> {
            int step = ((RollbackStep.Pause) current(p)).afterStep();
            String reason = "stable slot unhealthy at step " + step + ": " + observed + "; traffic held at "
                    + describe(p, p.weights);
            LOG.warnf("Rollback of %s (deployment %s) halted: %s", p.command.target(), key, reason);
            metrics.halted(p.strategy);
            metrics.failed(p.strategy);
            RollbackFailed failed = new RollbackFailed(Meta.causedBy(p.lastCause), p.command.target(), reason);
            finish(key, p, failed);
            return List.of(failed);
        });
    }

    private static RollbackStep current(Pending p) {
        return p.next == 0 ? null : p.steps.get(p.next - 1);
    }

    private static long stepCount(Pending p) {
        return p.steps.stream().filter(s -> s instanceof RollbackStep.Shift).count();
    }

    /** Traffic is back once no failed slot has any (a slot the weights leave out has none). */
    private static boolean noTrafficOnFailed(StartRollback command, Map<String, Integer> weights) {
        return Slots.failed(command).stream().allMatch(slot -> weights.getOrDefault(slot, 0) <= 0);
    }

    /** "blue=50, green=50": stable slots first, failed ones second, anything else after. */
    private static String describe(Pending p, Map<String, Integer> weights) {
        Stream<String> order = Stream.of(Slots.stable(p.command).stream(), Slots.failed(p.command).stream(),
                weights.keySet().stream().sorted()).flatMap(s -> s).distinct();
        return order.filter(weights::containsKey).map(s -> s + "=" + weights.get(s)).collect(Collectors.joining(", "));
    }

    /** "24h", "90m", "1500ms". */
    private static String describe(Duration d) {
        return d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** A command that allows no rollback: answered with RollbackFailed, recorded as ended like any other. */
    private List<Message> rejected(String key, StartRollback command, String strategy, String reason) {
        LOG.warnf("Rollback of %s (deployment %s) rejected: %s", command.target(), key, reason);
        metrics.failed(strategy);
        RollbackFailed failed = new RollbackFailed(Meta.causedBy(command.meta()), command.target(), reason);
        done.put(key, RollbackRecord.done(key, command, strategy, failed, Instant.ofEpochMilli(clockMs.getAsLong())));
        return List.of(failed);
    }

    private static String key(Meta meta, Target target) {
        return meta.deploymentId() != null ? meta.deploymentId() : target.key();
    }
}
