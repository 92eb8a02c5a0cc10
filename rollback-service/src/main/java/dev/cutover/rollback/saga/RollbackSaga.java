package dev.cutover.rollback.saga;

import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.RollbackEvent.RollbackStarted;
import dev.cutover.rollback.strategy.RollbackStep;
import dev.cutover.rollback.strategy.RollbackStrategies;
import dev.cutover.rollback.strategy.RollbackStrategy;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The rollback saga, without a broker: takes a command or a provisioner reply, returns the messages to
 * publish. Each pending rollback sends one provisioner command at a time and matches the reply by
 * {@code causationId}. Thread-safe (both consumers and the deadline sweep call it).
 */
public final class RollbackSaga {

    static final String REASON = "rollback";
    private static final Logger LOG = Logger.getLogger(RollbackSaga.class);

    private final RollbackStrategies strategies;
    private final Duration timeout;
    private final LongSupplier clockMs;
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    /** @param clockMs a monotonic millisecond clock (durations and deadlines only) */
    public RollbackSaga(RollbackStrategies strategies, Duration timeout, LongSupplier clockMs) {
        this.strategies = strategies;
        this.timeout = timeout;
        this.clockMs = clockMs;
    }

    private static final class Pending {
        final StartRollback command;
        final String strategy;
        final List<RollbackStep> steps;
        final long startedMs;
        final long deadlineMs;
        int next;
        String awaiting; // messageId of the command whose reply we wait for
        String awaitingType;
        Long trafficRestoredMs;

        Pending(StartRollback command, String strategy, List<RollbackStep> steps, long startedMs, long deadlineMs) {
            this.command = command;
            this.strategy = strategy;
            this.steps = steps;
            this.startedMs = startedMs;
            this.deadlineMs = deadlineMs;
        }
    }

    public synchronized List<Message> start(StartRollback command) {
        String key = key(command);
        if (pending.containsKey(key)) {
            LOG.infof("Rollback of %s (deployment %s) already in progress: duplicate StartRollback ignored",
                    command.target(), key);
            return List.of();
        }
        Optional<RollbackStrategy> strategy = strategies.byName(command.strategy());
        if (strategy.isEmpty()) {
            return List.of(new RollbackFailed(Meta.causedBy(command.meta()), command.target(),
                    "unknown rollback strategy '" + command.strategy() + "' (known: " + strategies.known() + ")"));
        }
        if (command.stableSlot().equals(command.failedSlot())) {
            return List.of(new RollbackFailed(Meta.causedBy(command.meta()), command.target(),
                    "stable and failed slot are both '" + command.stableSlot() + "'"));
        }
        long now = clockMs.getAsLong();
        Pending p = new Pending(command, strategy.get().name(), strategy.get().plan(command), now,
                now + timeout.toMillis());
        pending.put(key, p);
        LOG.infof("Rollback of %s (deployment %s) started: %s, traffic back to %s, stopping %s", command.target(), key,
                p.strategy, command.stableSlot(), command.failedSlot());
        List<Message> out = new ArrayList<>();
        out.add(new RollbackStarted(Meta.causedBy(command.meta()), command.target(), command.stableSlot(),
                command.failedSlot(), p.strategy));
        out.addAll(nextStep(key, p, command.meta()));
        return out;
    }

    /** A provisioner event: a reply to one of our commands, or someone else's (ignored). */
    public synchronized List<Message> onProvisionerEvent(ProvisionerEvent event) {
        String causation = event.meta().causationId();
        if (causation == null) {
            return List.of();
        }
        for (Map.Entry<String, Pending> entry : pending.entrySet()) {
            Pending p = entry.getValue();
            if (causation.equals(p.awaiting)) {
                return reply(entry.getKey(), p, event);
            }
        }
        return List.of();
    }

    /** Fails every rollback whose deadline has passed. */
    public synchronized List<Message> expire() {
        long now = clockMs.getAsLong();
        List<Message> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Pending> entry = it.next();
            Pending p = entry.getValue();
            if (now >= p.deadlineMs) {
                it.remove();
                String reason = "timed out after " + timeout.toMillis() + " ms waiting for " + p.awaitingType
                        + " from the provisioner";
                LOG.warnf("Rollback of %s (deployment %s) failed: %s", p.command.target(), entry.getKey(), reason);
                out.add(new RollbackFailed(Meta.causedBy(p.command.meta()), p.command.target(), reason));
            }
        }
        return out;
    }

    public synchronized int inProgress() {
        return pending.size();
    }

    private List<Message> reply(String key, Pending p, ProvisionerEvent event) {
        StartRollback command = p.command;
        long now = clockMs.getAsLong();
        RollbackStep step = p.steps.get(p.next - 1);
        if (event instanceof ProvisioningFailed failed) {
            pending.remove(key);
            String reason = "provisioner could not " + failed.operation()
                    + (failed.slot() == null ? "" : " slot " + failed.slot()) + ": " + failed.reason();
            LOG.warnf("Rollback of %s (deployment %s) failed: %s", command.target(), key, reason);
            return List.of(new RollbackFailed(Meta.causedBy(event.meta()), command.target(), reason));
        }
        boolean expected = step instanceof RollbackStep.Shift ? event instanceof TrafficShifted
                : event instanceof SlotReleased;
        if (!expected) {
            return List.of();
        }
        if (event instanceof TrafficShifted shifted && p.trafficRestoredMs == null
                && Integer.valueOf(100).equals(shifted.weights().get(command.stableSlot()))) {
            p.trafficRestoredMs = now - p.startedMs;
            LOG.infof("Rollback of %s (deployment %s): all traffic on %s after %d ms", command.target(), key,
                    command.stableSlot(), p.trafficRestoredMs);
        }
        return nextStep(key, p, event.meta());
    }

    private List<Message> nextStep(String key, Pending p, Meta cause) {
        StartRollback command = p.command;
        if (p.next >= p.steps.size()) {
            pending.remove(key);
            long duration = clockMs.getAsLong() - p.startedMs;
            long restored = p.trafficRestoredMs == null ? duration : p.trafficRestoredMs;
            LOG.infof("Rollback of %s (deployment %s) completed in %d ms (traffic restored after %d ms)",
                    command.target(), key, duration, restored);
            return List.of(new RollbackCompleted(Meta.causedBy(cause), command.target(), command.stableSlot(),
                    restored, duration));
        }
        RollbackStep step = p.steps.get(p.next++);
        Message out = step instanceof RollbackStep.Shift shift
                ? new ShiftTraffic(Meta.causedBy(cause), command.target(), shift.weights(), REASON)
                : new ReleaseSlot(Meta.causedBy(cause), command.target(), ((RollbackStep.Release) step).slot(), REASON);
        p.awaiting = out.meta().messageId();
        p.awaitingType = step instanceof RollbackStep.Shift ? "TrafficShifted" : "SlotReleased";
        return List.of(out);
    }

    private static String key(StartRollback command) {
        return command.meta().deploymentId() != null ? command.meta().deploymentId() : command.target().key();
    }
}
