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
import dev.cutover.events.RollbackEvent.RollbackStepCompleted;
import dev.cutover.rollback.metrics.RollbackMetrics;
import dev.cutover.rollback.strategy.RollbackStep;
import dev.cutover.rollback.strategy.RollbackStrategies;
import dev.cutover.rollback.strategy.RollbackStrategy;
import dev.cutover.rollback.watch.StableWatch;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The rollback saga, without a broker: takes a command or a provisioner reply, returns the messages to
 * publish. Each pending rollback runs one step at a time: a provisioner command whose reply is matched by
 * {@code causationId}, or a pause handed to the {@link StableWatch}, whose outcome comes back through a
 * listener (and is published by the watch). Thread-safe (both consumers, the deadline sweep and the watch
 * call it).
 */
public final class RollbackSaga {

    static final String REASON = "rollback";
    private static final Logger LOG = Logger.getLogger(RollbackSaga.class);

    private final RollbackStrategies strategies;
    private final Duration timeout;
    private final LongSupplier clockMs;
    private final StableWatch watch;
    private final RollbackMetrics metrics;
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    /**
     * @param timeout how long a rollback may wait for the provisioner; planned pauses come on top
     * @param clockMs a monotonic millisecond clock (durations and deadlines only)
     */
    public RollbackSaga(RollbackStrategies strategies, Duration timeout, LongSupplier clockMs, StableWatch watch,
                        RollbackMetrics metrics) {
        this.strategies = strategies;
        this.timeout = timeout;
        this.clockMs = clockMs;
        this.watch = watch;
        this.metrics = metrics;
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

    public synchronized List<Message> start(StartRollback command) {
        String key = key(command);
        if (pending.containsKey(key)) {
            LOG.infof("Rollback of %s (deployment %s) already in progress: duplicate StartRollback ignored",
                    command.target(), key);
            return List.of();
        }
        Optional<RollbackStrategy> strategy = strategies.byName(command.strategy());
        if (strategy.isEmpty()) {
            return rejected(command, RollbackMetrics.UNKNOWN,
                    "unknown rollback strategy '" + command.strategy() + "' (known: " + strategies.known() + ")");
        }
        String name = strategy.get().name();
        if (command.stableSlot().equals(command.failedSlot())) {
            return rejected(command, name, "stable and failed slot are both '" + command.stableSlot() + "'");
        }
        List<RollbackStep> plan;
        try {
            plan = strategy.get().plan(command);
        } catch (IllegalArgumentException e) {
            return rejected(command, name, "invalid " + name + " rollback: " + e.getMessage());
        }
        long now = clockMs.getAsLong();
        // the deadline covers the provisioner's answers; the pauses the plan itself asks for come on top
        long paused = plan.stream().filter(s -> s instanceof RollbackStep.Pause)
                .mapToLong(s -> ((RollbackStep.Pause) s).interval().toMillis()).sum();
        Pending p = new Pending(command, name, plan, now, now + timeout.toMillis() + paused);
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
                if (current(p) instanceof RollbackStep.Pause) {
                    watch.cancel(p.awaiting);
                }
                String reason = "timed out after " + (p.deadlineMs - p.startedMs) + " ms waiting for " + p.awaitingType
                        + (current(p) instanceof RollbackStep.Pause ? "" : " from the provisioner");
                LOG.warnf("Rollback of %s (deployment %s) failed: %s", p.command.target(), entry.getKey(), reason);
                metrics.failed(p.strategy);
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
        RollbackStep step = current(p);
        if (step instanceof RollbackStep.Pause) {
            return List.of(); // a watch id never names a provisioner command
        }
        if (event instanceof ProvisioningFailed failed) {
            pending.remove(key);
            String reason = "provisioner could not " + failed.operation()
                    + (failed.slot() == null ? "" : " slot " + failed.slot()) + ": " + failed.reason()
                    + (p.weights == null ? "" : "; last confirmed weights " + describe(p, p.weights));
            LOG.warnf("Rollback of %s (deployment %s) failed: %s", command.target(), key, reason);
            metrics.failed(p.strategy);
            return List.of(new RollbackFailed(Meta.causedBy(event.meta()), command.target(), reason));
        }
        boolean expected = step instanceof RollbackStep.Shift ? event instanceof TrafficShifted
                : event instanceof SlotReleased;
        if (!expected) {
            return List.of();
        }
        List<Message> out = new ArrayList<>();
        if (event instanceof TrafficShifted shifted) {
            p.weights = shifted.weights();
            if (p.trafficRestoredMs == null && Integer.valueOf(100).equals(shifted.weights().get(command.stableSlot()))) {
                p.trafficRestoredMs = now - p.startedMs;
                LOG.infof("Rollback of %s (deployment %s): all traffic on %s after %d ms", command.target(), key,
                        command.stableSlot(), p.trafficRestoredMs);
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
        if (p.next >= p.steps.size()) {
            pending.remove(key);
            long duration = clockMs.getAsLong() - p.startedMs;
            long restored = p.trafficRestoredMs == null ? duration : p.trafficRestoredMs;
            LOG.infof("Rollback of %s (deployment %s) completed in %d ms (traffic restored after %d ms)",
                    command.target(), key, duration, restored);
            metrics.completed(p.strategy, restored, duration);
            return List.of(new RollbackCompleted(Meta.causedBy(cause), command.target(), command.stableSlot(),
                    restored, duration));
        }
        RollbackStep step = p.steps.get(p.next++);
        if (step instanceof RollbackStep.Pause pause) {
            String id = UUID.randomUUID().toString();
            p.awaiting = id;
            p.awaitingType = "the interval after step " + pause.afterStep();
            LOG.infof("Rollback of %s (deployment %s): holding step %d for %d ms%s", command.target(), key,
                    pause.afterStep(), pause.interval().toMillis(),
                    pause.healthUrl() == null ? "" : ", watching " + pause.healthUrl());
            watch.start(new StableWatch.Watch(id, command.meta().deploymentId(), command.target().key(),
                    pause.interval(), pause.healthUrl()), new StableWatch.Listener() {
                @Override
                public List<Message> elapsed() {
                    return intervalElapsed(key, id);
                }

                @Override
                public List<Message> unhealthy(String observed) {
                    return stableUnhealthy(key, id, observed);
                }
            });
            return List.of();
        }
        Message out = step instanceof RollbackStep.Shift shift
                ? new ShiftTraffic(Meta.causedBy(cause), command.target(), shift.weights(), REASON)
                : new ReleaseSlot(Meta.causedBy(cause), command.target(), ((RollbackStep.Release) step).slot(), REASON);
        p.awaiting = out.meta().messageId();
        p.awaitingType = step instanceof RollbackStep.Shift ? "TrafficShifted" : "SlotReleased";
        return List.of(out);
    }

    private synchronized List<Message> intervalElapsed(String key, String watchId) {
        Pending p = pending.get(key);
        if (p == null || !watchId.equals(p.awaiting)) {
            return List.of(); // timed out meanwhile, or a stale watch
        }
        return nextStep(key, p, p.lastCause);
    }

    /** Halts: more traffic must not go to a stable slot that fails; what it already has stays where it is. */
    private synchronized List<Message> stableUnhealthy(String key, String watchId, String observed) {
        Pending p = pending.get(key);
        if (p == null || !watchId.equals(p.awaiting)) {
            return List.of();
        }
        pending.remove(key);
        int step = ((RollbackStep.Pause) current(p)).afterStep();
        String reason = "stable slot unhealthy at step " + step + ": " + observed + "; traffic held at "
                + describe(p, p.weights);
        LOG.warnf("Rollback of %s (deployment %s) halted: %s", p.command.target(), key, reason);
        metrics.halted(p.strategy);
        metrics.failed(p.strategy);
        return List.of(new RollbackFailed(Meta.causedBy(p.lastCause), p.command.target(), reason));
    }

    private static RollbackStep current(Pending p) {
        return p.next == 0 ? null : p.steps.get(p.next - 1);
    }

    private static long stepCount(Pending p) {
        return p.steps.stream().filter(s -> s instanceof RollbackStep.Shift).count();
    }

    /** "blue=50, green=50": stable first, failed second, anything else after. */
    private static String describe(Pending p, Map<String, Integer> weights) {
        Stream<String> order = Stream.concat(Stream.of(p.command.stableSlot(), p.command.failedSlot()),
                weights.keySet().stream().sorted()).distinct();
        return order.filter(weights::containsKey).map(s -> s + "=" + weights.get(s)).collect(Collectors.joining(", "));
    }

    private List<Message> rejected(StartRollback command, String strategy, String reason) {
        LOG.warnf("Rollback of %s (deployment %s) rejected: %s", command.target(), key(command), reason);
        metrics.failed(strategy);
        return List.of(new RollbackFailed(Meta.causedBy(command.meta()), command.target(), reason));
    }

    private static String key(StartRollback command) {
        return command.meta().deploymentId() != null ? command.meta().deploymentId() : command.target().key();
    }
}
