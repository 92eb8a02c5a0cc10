package dev.cutover.orchestrator.service;

import dev.cutover.events.DeploymentEvent.DeploymentAccepted;
import dev.cutover.events.DeploymentEvent.DeploymentRejected;
import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.DeploymentRequestEvent.DeploymentRequested;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Event;
import dev.cutover.events.Message;
import dev.cutover.events.MessageCodec;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.config.OrchestratorConfig;
import dev.cutover.orchestrator.engine.DeploymentStateMachine;
import dev.cutover.orchestrator.messaging.DeploymentPublisher;
import dev.cutover.orchestrator.metrics.DeploymentMetrics;
import dev.cutover.orchestrator.model.ActionNotAllowedException;
import dev.cutover.orchestrator.model.Actor;
import dev.cutover.orchestrator.model.AuditEntry;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.FailureRecord;
import dev.cutover.orchestrator.model.OperatorAction;
import dev.cutover.orchestrator.model.PlainText;
import dev.cutover.orchestrator.model.PinnedConfig;
import dev.cutover.orchestrator.model.SlotPlan;
import dev.cutover.orchestrator.model.SubmitResult;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.model.Violation;
import dev.cutover.orchestrator.replication.Ownership;
import dev.cutover.orchestrator.store.DeploymentStore;
import dev.cutover.orchestrator.strategy.Strategies;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Runs the state machine against durable state: every change is saved to the snapshot topic (acked) before
 * the messages it causes are published. One lock per target serialises what REST, the message handlers and the
 * timeout tick do to that target, so "one active deployment per target" holds and a deployment never sees two inputs
 * at once, while different targets' decisions (each with its acked writes) run side by side.
 */
@ApplicationScoped
public class DeploymentService {

    private static final Logger LOG = Logger.getLogger(DeploymentService.class);

    @Inject
    DeploymentStore store;

    @Inject
    DeploymentPublisher publisher;

    @Inject
    DeploymentMetrics metrics;

    @Inject
    OrchestratorConfig config;

    /** Which targets this replica owns: it alone writes them, ticks and resumes them (README "Replicas"). */
    @Inject
    Ownership ownership;

    private final Map<Target, ReentrantLock> locks = new ConcurrentHashMap<>();
    private volatile DeploymentStateMachine machine;
    private volatile Thread loader;

    void onStart(@Observes StartupEvent event) {
        machine = new DeploymentStateMachine(config.timeouts().toStageTimeouts(), Strategies.ALL,
                config.resend().attempts());
        // load in the background, retrying, so the service comes up (and reports not-ready) while Kafka is away
        loader = new Thread(this::loadAndResume, "cutover-state-loader");
        loader.setDaemon(true);
        loader.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        Thread t = loader;
        if (t != null && t.isAlive()) {
            t.interrupt();
        }
    }

    private void loadAndResume() {
        while (!store.loaded() && !Thread.currentThread().isInterrupted()) {
            try {
                store.load();
            } catch (RuntimeException e) {
                LOG.warnf("cannot load deployment state yet (%s); retrying", e.getMessage());
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
        if (store.loaded()) {
            resume(ownership::owns); // targets taken over later resume on assignment
        }
    }

    /** After a restart or take-over: every unfinished deployment of those targets re-issues its current command. */
    public void resume(Predicate<Target> targets) {
        List<Deployment> active = store.repository().unfinished().stream()
                .filter(d -> !d.terminal() && targets.test(d.target()))
                .sorted(Comparator.comparing(Deployment::createdAt)).toList();
        for (Deployment listed : active) {
            ReentrantLock lock = lockOf(listed.target());
            lock.lock();
            try {
                Deployment d = store.repository().find(listed.id()).orElse(null);
                if (d == null || d.terminal()) {
                    continue; // it moved on since it was listed
                }
                if (d.status() == DeploymentStatus.PENDING) {
                    apply(machine.start(d, Instant.now()), false);
                } else {
                    List<Message> commands = machine.reissue(d, Instant.now());
                    LOG.infof("deployment %s %s resumed in %s: re-issuing %s", d.id(), d.target().key(),
                            d.status(), commands.stream().map(m -> m.getClass().getSimpleName()).toList());
                    publisher.publishAll(commands, config.kafkaTimeout());
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "deployment %s %s: cannot resume", listed.id(), listed.target().key());
            } finally {
                lock.unlock();
            }
        }
        // a target whose deployment ended while we were down starts its queue now
        active.stream().filter(d -> d.status() == DeploymentStatus.QUEUED).map(Deployment::target).distinct()
                .forEach(target -> {
                    ReentrantLock lock = lockOf(target);
                    lock.lock();
                    try {
                        startNextQueued(target);
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "%s: cannot start its queue", target.key());
                    } finally {
                        lock.unlock();
                    }
                });
    }

    /** The lock of one target: held while anything reads a target's deployments to change them. */
    private ReentrantLock lockOf(Target target) {
        return locks.computeIfAbsent(target, t -> new ReentrantLock());
    }

    // ---- requests ------------------------------------------------------------------------------------------

    /** REST: a new deployment with a fresh id, requested by {@code actor} (audited as {@code start}). */
    public SubmitResult submit(DeploymentRequest request, Actor actor) throws InterruptedException {
        String id = UUID.randomUUID().toString();
        return submit(request, id, id, null, null, Audit.of("start", actor, null));
    }

    /**
     * From the requests topic (or the CI webhook): same rules, plus DeploymentRejected for requests that will not
     * run. {@code actor}: the verified source ({@code ci:<source>}, via kafka or webhook), audited as {@code start}.
     */
    public void request(DeploymentRequested r, Actor actor) throws InterruptedException {
        Meta meta = r.meta();
        String id = meta.deploymentId() != null ? meta.deploymentId()
                : UUID.nameUUIDFromBytes(meta.messageId().getBytes(StandardCharsets.UTF_8)).toString();
        String correlationId = meta.correlationId() != null ? meta.correlationId() : meta.messageId();
        // the contract record has no onConflict field: CI passes it as the overrides key "onConflict"
        Map<String, Object> overrides = new LinkedHashMap<>(r.overrides());
        Object onConflict = overrides.remove("onConflict");
        DeploymentRequest request = new DeploymentRequest(r.target().application(), r.target().environment(),
                r.version(), r.artifact(), r.strategy(), overrides, onConflict == null ? null : onConflict.toString(),
                r.sha256());
        SubmitResult result = submit(request, id, correlationId, meta, null, Audit.of("start", actor, null));
        String reason = null;
        String field = null;
        if (result instanceof SubmitResult.Invalid invalid) {
            reason = invalid.violations().stream().map(v -> v.field() + " " + v.message())
                    .collect(Collectors.joining("; "));
            field = invalid.violations().get(0).field();
        } else if (result instanceof SubmitResult.Unsupported unsupported) {
            reason = unsupported.reason();
            field = "strategy";
        } else if (result instanceof SubmitResult.Conflict conflict) {
            reason = conflictMessage(conflict.active());
            field = "target";
        } else if (result instanceof SubmitResult.Duplicate) {
            LOG.infof("deployment %s %s: request %s already known, ignored", id, r.target().key(), meta.messageId());
        }
        if (reason != null) {
            reason = PlainText.of(reason); // it may quote the request's own values
            LOG.infof("deployment %s %s rejected: %s", id, r.target().key(), reason);
            Meta out = new Meta(UUID.randomUUID().toString(), id, correlationId, meta.messageId(), Instant.now());
            publisher.publishAll(List.of(new DeploymentRejected(out, r.target(), r.version(), reason, field)),
                    config.kafkaTimeout());
        }
    }

    public static String conflictMessage(Deployment active) {
        return "target " + active.target().key() + " already has active deployment " + active.id();
    }

    /** {@code pinned}: run with that earlier configuration instead of resolving it again (redeploy). */
    private SubmitResult submit(DeploymentRequest raw, String id, String correlationId, Meta cause,
                                PinnedConfig pinned, Audit audit) throws InterruptedException {
        List<Violation> violations = DeploymentRequestValidator.validate(raw);
        if (!violations.isEmpty()) {
            metrics.rejected("invalid");
            return new SubmitResult.Invalid(violations);
        }
        DeploymentRequest request = DeploymentRequestValidator.normalize(raw);
        store.awaitLoaded();
        ReentrantLock lock = lockOf(request.target());
        lock.lock();
        try {
            ownership.requireOwner(request.target());
            Optional<Deployment> existing = store.repository().find(id);
            if (existing.isPresent()) {
                return new SubmitResult.Duplicate(existing.get());
            }
            Optional<SubmitResult.Unsupported> unsupported = TargetKinds.refusal(request,
                    pinned != null ? pinned.config() : null, store.repository());
            if (unsupported.isPresent()) {
                metrics.rejected("unsupported-strategy");
                return unsupported.get();
            }
            Optional<Deployment> active = store.repository().active(request.target());
            List<Deployment> queued = store.repository().queued(request.target());
            if (active.isPresent() || !queued.isEmpty()) {
                Deployment running = active.orElseGet(() -> queued.get(0));
                if (DeploymentRequest.REJECT.equals(request.onConflict())) {
                    metrics.rejected("conflict");
                    return new SubmitResult.Conflict(running);
                }
                Transition waiting = audited(machine.queue(id, correlationId, request, running.id(), cause,
                        Instant.now(), pinned), audit, null, true);
                apply(waiting, false);
                if (DeploymentRequest.SUPERSEDE.equals(request.onConflict())) {
                    // newest wins: earlier queued requests end too, and the running one is rolled back
                    Audit superseding = audit.as("supersede", "by deployment " + id);
                    for (Deployment q : queued) {
                        apply(audited(machine.supersede(q, id, Instant.now()), superseding, q.status(), true), false);
                    }
                    active.ifPresent(a -> apply(audited(machine.supersede(a, id, Instant.now()), superseding,
                            a.status(), true), false));
                }
                Deployment now = store.repository().find(id).orElse(waiting.after());
                return new SubmitResult.Accepted(now);
            }
            SlotPlan plan = SlotPlan.after(store.repository().latestTerminal(request.target()).orElse(null));
            Transition accepted = audited(machine.accept(id, correlationId, request, plan, cause, Instant.now(),
                    pinned), audit, null, true);
            apply(accepted, false);
            // the same call starts it: its announcements name the requester too, with one audit entry
            Transition started = audited(machine.start(accepted.after(), Instant.now()), audit, null, false);
            apply(started, false);
            return new SubmitResult.Accepted(started.after());
        } finally {
            lock.unlock();
        }
    }

    // ---- agent events and timeouts -------------------------------------------------------------------------

    public void onEvent(Event event) throws InterruptedException {
        String id = event.meta().deploymentId();
        if (id == null) {
            LOG.debugf("ignoring %s without deploymentId", event.getClass().getSimpleName());
            return;
        }
        store.awaitLoaded();
        Optional<Deployment> known = store.repository().find(id);
        if (known.isEmpty()) {
            LOG.debugf("ignoring %s for unknown deployment %s", event.getClass().getSimpleName(), id);
            return;
        }
        ReentrantLock lock = lockOf(known.get().target());
        lock.lock();
        try {
            Optional<Deployment> d = store.repository().find(id);
            if (d.isEmpty()) {
                LOG.debugf("ignoring %s for unknown deployment %s", event.getClass().getSimpleName(), id);
                return;
            }
            if (!ownership.owns(d.get().target())) {
                LOG.debugf("ignoring %s for %s: its target moved to another replica", event.getClass().getSimpleName(),
                        id);
                return;
            }
            Transition t = machine.on(d.get(), event, Instant.now());
            if (!t.changed()) {
                LOG.debugf("deployment %s in %s ignores %s", id, d.get().status(), event.getClass().getSimpleName());
            }
            apply(t, false);
        } finally {
            lock.unlock();
        }
    }

    @Scheduled(every = "${cutover.orchestrator.tick-every:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "${cutover.orchestrator.tick-every:1s}")
    void tick() {
        Instant loadedAt = store.loadedAt();
        Instant now = Instant.now();
        if (loadedAt == null || now.isBefore(loadedAt.plus(config.resumeGrace()))) {
            return;
        }
        // one target at a time: a decision of another target waits at most for one deployment's tick
        for (Deployment listed : List.copyOf(store.repository().unfinished())) {
            if (!ownership.enforces(listed.target(), now)) {
                continue; // another replica's, or just taken over (resume grace)
            }
            ReentrantLock lock = lockOf(listed.target());
            lock.lock();
            try {
                Deployment d = store.repository().find(listed.id()).orElse(null);
                if (d != null && !d.terminal()) {
                    apply(machine.tick(d, now), true);
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "deployment %s %s: timeout handling failed", listed.id(), listed.target().key());
            } finally {
                lock.unlock();
            }
        }
    }

    // ---- queries -------------------------------------------------------------------------------------------

    public boolean awaitReady() throws InterruptedException {
        return store.awaitLoaded(config.readyTimeout());
    }

    public Optional<Deployment> find(String id) {
        return store.repository().find(id);
    }

    public List<Deployment> list(String application, String environment) {
        return store.repository().list(application, environment);
    }

    /**
     * Save, then publish. A failed save throws (nothing changed, the caller's input can be retried); a failed
     * publish is only logged: the state is saved and the stage deadline or a restart's re-issue recovers.
     */
    private void apply(Transition t, boolean timeout) {
        if (!t.changed()) {
            return;
        }
        Deployment after = t.after();
        store.save(after);
        int failuresBefore = t.before() == null ? 0 : t.before().failures().size();
        for (FailureRecord f : after.failures().subList(Math.min(failuresBefore, after.failures().size()),
                after.failures().size())) {
            metrics.failure(f.type(), f.action());
            LOG.infof("deployment %s %s: %s failure (%s) in %s, attempt %d: %s", after.id(), after.target().key(),
                    f.type(), f.severity(), f.stage(), f.attempt(), f.actionTaken());
        }
        if (!t.statusChanged() && t.before() != null && !Objects.equals(t.before().stage(), after.stage())) {
            LOG.infof("deployment %s %s %s, stage %s -> %s: %s", after.id(), after.target().key(), after.status(),
                    t.before().stage(), after.stage(), t.reason());
        }
        if (t.resend()) {
            for (Message m : t.messages()) {
                metrics.commandResent(MessageCodec.typeName(m));
            }
            LOG.infof("deployment %s %s %s: %s", after.id(), after.target().key(), after.status(), t.reason());
        }
        if (t.statusChanged()) {
            String from = t.before() == null ? "NEW" : t.before().status().name();
            LOG.infof("deployment %s %s %s -> %s: %s", after.id(), after.target().key(), from, after.status(),
                    t.reason());
            if (timeout && t.before() != null) {
                metrics.stageTimedOut(t.before().stage());
            }
            if (after.terminal()) {
                metrics.finished(after);
            }
        }
        try {
            publisher.publishAll(t.messages(), config.kafkaTimeout());
        } catch (RuntimeException e) {
            LOG.errorf("deployment %s %s: publishing %d messages failed (%s); the stage deadline will recover",
                    after.id(), after.target().key(), t.messages().size(), e.getMessage());
        }
        if (after.terminal() && t.statusChanged()) {
            startNextQueued(after.target());
        }
    }

    /** The target is free: its oldest QUEUED deployment starts, on the slots that serve now. */
    private void startNextQueued(Target target) {
        if (store.repository().active(target).isPresent()) {
            return;
        }
        List<Deployment> queued = store.repository().queued(target);
        if (queued.isEmpty()) {
            return;
        }
        SlotPlan plan = SlotPlan.after(store.repository().latestTerminal(target).orElse(null));
        apply(machine.dequeue(queued.get(0), plan, Instant.now()), false);
    }

    // ---- operator actions ----------------------------------------------------------------------------------

    /**
     * An operator action on a deployment.
     *
     * @return the deployment afterwards, or empty when unknown
     * @throws ActionNotAllowedException when its status does not allow the action
     */
    public Optional<Deployment> act(String id, OperatorAction.Kind kind, Actor actor, String reason)
            throws InterruptedException {
        store.awaitLoaded();
        Optional<Deployment> known = store.repository().find(id);
        if (known.isEmpty()) {
            return Optional.empty();
        }
        ReentrantLock lock = lockOf(known.get().target());
        lock.lock();
        try {
            Optional<Deployment> d = store.repository().find(id);
            if (d.isEmpty()) {
                return Optional.empty();
            }
            ownership.requireOwner(d.get().target());
            // the recorded "by" is the authenticated subject, never a name the caller typed
            Transition t = machine.act(d.get(), kind, actor.subject(), reason, Instant.now());
            metrics.operatorAction(kind.path());
            apply(audited(t, Audit.of(kind.path(), actor, reason), d.get().status(), true), false);
            return store.repository().find(id);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A new deployment of an earlier SUCCEEDED deployment's version, artifact, strategy and overrides, for the same
     * target ("roll back to an earlier revision"), with the earlier deployment's resolved configuration pinned
     * (when it has one recorded): the config stage is skipped and the configHash is the earlier one.
     *
     * {@code actor} is the new deployment's requester (audited as {@code redeploy}, reason naming the earlier one).
     *
     * @return empty when the deployment is unknown
     * @throws ActionNotAllowedException when it did not succeed
     */
    public Optional<SubmitResult> redeploy(String id, String onConflict, Actor actor, String reason)
            throws InterruptedException {
        store.awaitLoaded();
        Optional<Deployment> earlier = store.repository().find(id);
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        Deployment e = earlier.get();
        if (e.status() != DeploymentStatus.SUCCEEDED) {
            throw new ActionNotAllowedException("deployment " + id + " is " + e.status()
                    + ": only a SUCCEEDED deployment can be deployed again");
        }
        // the exact configuration it ran with (same hash), not a fresh resolution of today's files
        PinnedConfig pinned = PinnedConfig.of(e);
        String newId = UUID.randomUUID().toString();
        return Optional.of(submit(new DeploymentRequest(e.target().application(), e.target().environment(),
                e.version(), e.artifact(), e.strategy(), e.overrides(), onConflict, e.sha256()), newId, newId, null,
                pinned,
                Audit.of("redeploy", actor, reason == null || reason.isBlank() ? "redeploy of " + id
                        : "redeploy of " + id + ": " + reason)));
    }

    // ---- audit ---------------------------------------------------------------------------------------------

    /** A state-changing call: what, who, why. */
    private record Audit(String action, Actor actor, String reason) {

        static Audit of(String action, Actor actor, String reason) {
            return new Audit(action, Objects.requireNonNull(actor, "actor"), PlainText.of(reason));
        }

        Audit as(String otherAction, String otherReason) {
            return new Audit(otherAction, actor, otherReason);
        }

        dev.cutover.events.DeploymentEvent.Actor event() {
            return new dev.cutover.events.DeploymentEvent.Actor(actor.subject(), actor.via().wire(), action, reason);
        }
    }

    /**
     * The transition a call caused, with the call on the deployment's audit list ({@code record}) and named on the
     * lifecycle events it announces (DeploymentAccepted, DeploymentStatusChanged).
     */
    private static Transition audited(Transition t, Audit audit, DeploymentStatus from, boolean record) {
        if (!t.changed()) {
            return t;
        }
        Deployment after = !record ? t.after() : t.after().edit()
                .addAudit(AuditEntry.of(audit.action(), audit.actor(), Instant.now(), audit.reason(), from)).build();
        dev.cutover.events.DeploymentEvent.Actor by = audit.event();
        List<Message> messages = t.messages().stream().map(m -> {
            if (m instanceof DeploymentAccepted a) {
                return (Message) a.withActor(by);
            }
            if (m instanceof DeploymentStatusChanged c) {
                return (Message) c.withActor(by);
            }
            return m;
        }).toList();
        return new Transition(t.before(), after, messages, t.reason());
    }
}
