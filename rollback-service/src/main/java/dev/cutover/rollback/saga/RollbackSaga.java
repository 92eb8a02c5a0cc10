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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * listener (and is published by the watch), or an {@link RollbackStep.AwaitOperator} (strategy manual), which
 * only a later command ends: a StartRollback for the same deployment replaces it, a CancelRollback drops it.
 * Thread-safe (both consumers, the deadline sweep and the watch call it).
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
     * @param timeout how long a rollback may wait for the provisioner; planned pauses come on top (a plan that
     *                only waits for the operator gets its own wait instead)
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

    /**
     * Starts a rollback. For a deployment whose rollback is in progress this is a duplicate and ignored, unless
     * that rollback waits for the operator: then a StartRollback of another strategy is the operator's decision
     * and replaces it (the waiting one ends silently; the new one starts from scratch, RollbackStarted included,
     * and is rejected like any other if invalid), while one of the same strategy (the orchestrator re-issuing it
     * after a restart) is ignored.
     */
    public synchronized List<Message> start(StartRollback command) {
        String key = key(command.meta(), command.target());
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
            return rejected(command, RollbackMetrics.UNKNOWN,
                    "unknown rollback strategy '" + command.strategy() + "' (known: " + strategies.known() + ")");
        }
        String name = strategy.get().name();
        Optional<String> slots = Slots.problem(command);
        if (slots.isPresent()) {
            return rejected(command, name, slots.get());
        }
        List<RollbackStep> plan;
        try {
            plan = strategy.get().plan(command);
        } catch (IllegalArgumentException e) {
            return rejected(command, name, "invalid " + name + " rollback: " + e.getMessage());
        }
        long now = clockMs.getAsLong();
        Pending p = new Pending(command, name, plan, now, now + allowedMs(plan));
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
        pending.remove(key);
        LOG.infof("Rollback of %s (deployment %s) cancelled after %d ms waiting for an operator decision: %s",
                command.target(), key, clockMs.getAsLong() - p.startedMs, command.reason());
        metrics.cancelled(p.strategy);
        return List.of();
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
                RollbackStep step = current(p);
                String reason = step instanceof RollbackStep.AwaitOperator await
                        ? "no operator decision within " + describe(await.maxWait())
                        : "timed out after " + (p.deadlineMs - p.startedMs) + " ms waiting for " + p.awaitingType
                        + (step instanceof RollbackStep.Pause ? "" : " from the provisioner");
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
        if (!(step instanceof RollbackStep.Shift || step instanceof RollbackStep.Release)) {
            return List.of(); // a watch id never names a provisioner command, nor does an operator wait
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
        if (p.next >= p.steps.size()) {
            pending.remove(key);
            long duration = clockMs.getAsLong() - p.startedMs;
            long restored = p.trafficRestoredMs == null ? duration : p.trafficRestoredMs;
            LOG.infof("Rollback of %s (deployment %s) completed in %d ms (traffic restored after %d ms)",
                    command.target(), key, duration, restored);
            metrics.completed(p.strategy, restored, duration);
            return List.of(new RollbackCompleted(Meta.causedBy(cause), command.target(), Slots.stable(command).get(0),
                    restored, duration));
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
                ? new ShiftTraffic(Meta.causedBy(cause), command.target(), shift.weights(), REASON, null,
                        command.placement())
                : new ReleaseSlot(Meta.causedBy(cause), command.target(), ((RollbackStep.Release) step).slot(), REASON,
                        command.placement());
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

    private List<Message> rejected(StartRollback command, String strategy, String reason) {
        LOG.warnf("Rollback of %s (deployment %s) rejected: %s", command.target(), key(command.meta(), command.target()),
                reason);
        metrics.failed(strategy);
        return List.of(new RollbackFailed(Meta.causedBy(command.meta()), command.target(), reason));
    }

    private static String key(Meta meta, Target target) {
        return meta.deploymentId() != null ? meta.deploymentId() : target.key();
    }
}
