package dev.cutover.provisioner.provisioning;

import dev.cutover.events.MessageCodec;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.RouterSecurity;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.Placement;
import dev.cutover.events.Target;
import dev.cutover.provisioner.config.ProviderSelection;
import dev.cutover.provisioner.config.ProviderSelection.Providers;
import dev.cutover.provisioner.azure.ArmException;
import dev.cutover.provisioner.azure.MovingRouter;
import dev.cutover.provisioner.azure.SecretReferencesPassed;
import dev.cutover.provisioner.secret.ResolvedEnvironment;
import dev.cutover.provisioner.secret.SecretResolver;
import dev.cutover.provisioner.slot.ProvisioningException;
import dev.cutover.provisioner.slot.SlotInstance;
import dev.cutover.provisioner.slot.SlotRegistry;
import dev.cutover.provisioner.slot.TargetProvider;
import dev.cutover.provisioner.slot.TargetState;
import dev.cutover.provisioner.traffic.BackendSets;
import dev.cutover.provisioner.traffic.RouterHandle;
import dev.cutover.provisioner.traffic.TrafficRouter;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Carries out the slot commands (ProvisionSlot, ShiftTraffic, ReleaseSlot) with the TargetProvider/TrafficRouter
 * pair the command's placement picks (ProviderSelection; no placement: local processes), keeping the slot
 * registry up to date. Commands of one target must be called one at a time (see TargetLanes).
 * Never throws for an operation that fails: it answers ProvisioningFailed with the reason. Secret references in
 * a ProvisionSlot's environment are resolved just before the instance starts; their values reach only the
 * instance's process environment (the registry, events, logs and meters see references at most).
 * A command's router security ({@code security.*}: HTTPS redirect, HSTS, CSP) is set on the router before the
 * command is answered, and kept in the registry: every later command (and a router started again) gets it
 * re-applied until a command carries another.
 */
public class ProvisioningService {

    private static final Logger LOG = Logger.getLogger(ProvisioningService.class);

    private final ProviderSelection.Lookup providers;
    private final SlotRegistry registry;
    private final ProvisionerMetrics metrics;
    private final SecretResolver secrets;
    private final ArtifactStore artifacts;

    /** One provider pair for every placement (tests of one provider). */
    public ProvisioningService(TargetProvider provider, TrafficRouter router, SlotRegistry registry,
                               ProvisionerMetrics metrics, SecretResolver secrets) {
        this(ProviderSelection.only(new Providers(provider, router)), registry, metrics, secrets);
    }

    /** One provider pair for every placement, with its artifact cache. */
    public ProvisioningService(TargetProvider provider, TrafficRouter router, SlotRegistry registry,
                               ProvisionerMetrics metrics, SecretResolver secrets, ArtifactStore artifacts) {
        this(ProviderSelection.only(new Providers(provider, router)), registry, metrics, secrets, artifacts);
    }

    /** With an artifact cache in the registry's folder's sibling {@code artifacts}. */
    public ProvisioningService(ProviderSelection.Lookup providers, SlotRegistry registry, ProvisionerMetrics metrics,
                               SecretResolver secrets) {
        this(providers, registry, metrics, secrets, new ArtifactStore(java.nio.file.Path.of(
                System.getProperty("java.io.tmpdir"), "cutover-artifacts-" + ProcessHandle.current().pid())));
    }

    public ProvisioningService(ProviderSelection.Lookup providers, SlotRegistry registry, ProvisionerMetrics metrics,
                               SecretResolver secrets, ArtifactStore artifacts) {
        this.providers = providers;
        this.registry = registry;
        this.metrics = metrics;
        this.secrets = secrets;
        this.artifacts = artifacts;
    }

    /** Reloads the registry, forgetting instances that died while the provisioner was down. */
    public void load() {
        registry.load(providers::alive);
    }

    /**
     * Answers a slot command.
     *
     * @throws IllegalArgumentException for a command that is not a slot command (infrastructure plans and applies
     *                                  are the PlanningService's)
     */
    public ProvisionerEvent handle(ProvisionerCommand command) {
        if (!(command instanceof ProvisionSlot || command instanceof ShiftTraffic || command instanceof ReleaseSlot)) {
            throw new IllegalArgumentException("not a slot command: " + command.getClass().getSimpleName());
        }
        return registry.underTargetLock(command.target(), () -> handleLocked(command));
    }

    private ProvisionerEvent handleLocked(ProvisionerCommand command) {
        String operation = command instanceof ProvisionSlot ? "provision" : command instanceof ShiftTraffic ? "shift" : "release";
        // the target's file first: another replica on this host may have owned the target until now
        TargetState known = registry.reload(command.target());
        Optional<ProvisionerEvent> before = answered(known, command);
        if (before.isPresent()) {
            LOG.infof("%s %s of %s was answered before (%s): answering that again, nothing done twice (deployment %s)",
                    command.getClass().getSimpleName(), command.meta().messageId(), command.target(),
                    before.get().getClass().getSimpleName(), command.meta().deploymentId());
            metrics.operation(operation, "duplicate");
            return before.get();
        }
        ProvisionerEvent event;
        try {
            Providers pair = providers.of(placementOf(command));
            if (command instanceof ProvisionSlot p) {
                event = provision(p, pair.provider(), pair.router());
            } else if (command instanceof ShiftTraffic s) {
                event = shift(s, pair.provider(), pair.router());
            } else {
                event = release((ReleaseSlot) command, pair.provider(), pair.router());
            }
        } catch (ProvisioningException | RuntimeException e) {
            String reason = e instanceof ProvisioningException ? e.getMessage() : e.toString();
            FailureCause cause = e instanceof ProvisioningException p ? p.kind() : FailureCause.INFRASTRUCTURE;
            LOG.warnf("%s of %s failed (deployment %s, %s): %s", operation, command.target(),
                    command.meta().deploymentId(), cause, reason);
            event = new ProvisioningFailed(Meta.causedBy(command.meta()), command.target(), slotOf(command), operation,
                    reason, cause);
        }
        metrics.operation(operation, event instanceof ProvisioningFailed ? "failure" : "success");
        ProvisionerEvent answer = event;
        // on record before it is published (and the command acked): a redelivery answers it again
        registry.update(command.target(), s -> s.withAnswer(new TargetState.Answer(command.meta().messageId(),
                MessageCodec.typeName(answer), MessageCodec.encodeToString(answer))));
        return event;
    }

    /** The recorded answer to this very command (same messageId), if it was answered. */
    private static Optional<ProvisionerEvent> answered(TargetState state, ProvisionerCommand command) {
        return state.answerTo(command.meta().messageId()).flatMap(a -> {
            try {
                return Optional.of((ProvisionerEvent) MessageCodec.decode(a.type(), a.json()));
            } catch (RuntimeException e) {
                LOG.warnf("The recorded answer to %s of %s cannot be read (%s): carrying the command out again",
                        command.meta().messageId(), command.target(), e.getMessage());
                return Optional.empty();
            }
        });
    }

    private SlotProvisioned provision(ProvisionSlot command, TargetProvider provider, TrafficRouter router)
            throws ProvisioningException {
        Target target = command.target();
        Optional<SlotInstance> current = registry.instance(target, command.slot());
        boolean alive = current.isPresent() && provider.alive(current.get());
        boolean runsAlready = alive && current.get().version().equals(command.version())
                && Objects.equals(current.get().deploymentId(), command.meta().deploymentId());
        // The artifact's digest first, before anything starts (not even the router): a mismatch leaves every
        // process as it was. A local instance runs the verified copy, so the file cannot change after the check.
        ProvisionSlot toStart = runsAlready ? command : verified(command, provider);
        // Secrets at the moment of need, before anything starts (not even the router): a reference that cannot
        // be resolved leaves every process as it was. A slot that already runs this deployment needs none.
        // A platform that resolves secrets itself (Key Vault references) gets the references, never values.
        ResolvedEnvironment environment = runsAlready ? null
                : provider instanceof SecretReferencesPassed ? ResolvedEnvironment.plain(command.environment())
                : secrets.resolve(command.environment(), describe(command));

        TargetState state = registry.state(target);
        int routerPort = command.routerPort();
        if (routerPort == ProvisionSlot.ROUTER_PORT_FROM_POOL && router.routerPorts().isPresent()) {
            // the port the target keeps, else one from the pool, on record before its router starts
            state = registry.routerPortFromPool(target, router.routerPorts().get());
            routerPort = state.routerPort();
        } else if (state.routerPort() != null && routerPort > 0 && state.routerPort() != routerPort) {
            LOG.warnf("The router of %s moves from port %d to %d (its application or deployment asks for it): the old "
                    + "router (pid %s) is left serving until it is stopped", target, state.routerPort(), routerPort,
                    state.routerPid());
        }
        RouterHandle handle = router.ensure(target, routerPort, state.routerPid());
        registry.update(target, s -> s.withRouter(handle.port(), handle.pid()));
        secure(target, router, handle, command.security());

        if (alive) {
            SlotInstance running = current.get();
            if (runsAlready) {
                try {
                    // adopted: what a provisioner that died after the spawn (or a replica) started is this slot
                    provider.awaitReady(running);
                    router.apply(target, handle, BackendSets.of(registry.state(target))); // a restarted router forgot it
                    LOG.infof("Slot %s of %s already runs %s (%s): provisioned again (deployment %s)", command.slot(),
                            target, running.version(), running.instanceId(), command.meta().deploymentId());
                    return provisioned(command, running, current(target, router, handle));
                } catch (ProvisioningException notWhole) {
                    if (registry.state(target).weights().getOrDefault(command.slot(), 0) > 0) {
                        throw notWhole; // it serves traffic (degraded): never taken out by a provision, only released
                    }
                    // started but never whole (the provisioner stopped between spawning and ready, a member died):
                    // stopped before it starts again, so the slot never runs two instances
                    LOG.infof("Slot %s of %s runs %s (%s) but not as asked (%s): stopping it and starting again "
                            + "(deployment %s)", command.slot(), target, running.version(), running.instanceId(),
                            notWhole.getMessage(), command.meta().deploymentId());
                    takeOut(target, provider, router, handle, running);
                    toStart = verified(command, provider);
                    environment = provider instanceof SecretReferencesPassed
                            ? ResolvedEnvironment.plain(command.environment())
                            : secrets.resolve(command.environment(), describe(command));
                }
            } else {
                LOG.infof("Slot %s of %s runs %s (%s): replacing it with %s (deployment %s)", command.slot(), target,
                        running.version(), running.instanceId(), command.version(), command.meta().deploymentId());
                takeOut(target, provider, router, handle, running);
            }
        } else if (current.isPresent()) {
            registry.update(target, s -> s.withoutSlot(command.slot()));
        }

        long t0 = System.nanoTime();
        SlotInstance started;
        try {
            started = provider.start(toStart, environment.variables(),
                    spawned -> registry.update(target, s -> s.withInstance(spawned)));
        } catch (ProvisioningException e) {
            registry.update(target, s -> s.withoutSlot(command.slot()));
            // the reason carries the instance's last log lines: an app that prints its secrets must not publish them
            if (e instanceof ArmException arm) { // keeps its kind (configuration, timeout...)
                throw new ArmException(environment.redact(arm.getMessage()), arm.getCause(), arm.kind(), arm.status(),
                        arm.code());
            }
            String reason = environment.redact(e.getMessage());
            throw e.kind() == FailureCause.CONFIGURATION ? ProvisioningException.configuration(reason)
                    : new ProvisioningException(reason);
        } catch (RuntimeException e) {
            throw new ProvisioningException(environment.redact(e.toString()));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        metrics.started(took);
        TargetState now = registry.update(target, s -> s.withInstance(started));
        router.apply(target, handle, BackendSets.of(now)); // in the router at weight 0: ready for a shift
        LOG.infof("Slot %s of %s runs %s at %s (%s), ready in %d ms (deployment %s)", command.slot(), target,
                command.version(), started.url(), started.instanceId(), took.toMillis(), command.meta().deploymentId());
        return provisioned(command, started, current(target, router, handle));
    }

    /**
     * {@code command} with its artifact checked against its {@code sha256} (when it has one) and, for a provider that
     * runs the artifact here, pointing at the verified (or downloaded) copy in the artifact cache.
     */
    private ProvisionSlot verified(ProvisionSlot command, TargetProvider provider) throws ProvisioningException {
        boolean local = provider.runsLocalCopy();
        if (command.sha256() == null && !(local && ArtifactStore.remote(command.artifact()))) {
            return command;
        }
        ArtifactStore.Fetched fetched = artifacts.fetch(command.artifact(), command.sha256());
        return local ? command.withArtifact(fetched.file().toUri().toString()) : command;
    }

    private TrafficShifted shift(ShiftTraffic command, TargetProvider provider, TrafficRouter router)
            throws ProvisioningException {
        Target target = command.target();
        RouterHandle handle = knownRouter(target, router);
        secure(target, router, handle, command.security()); // before the weights: new traffic is already under it
        dropDead(target, provider);
        Map<String, Integer> weights;
        try {
            weights = BackendSets.shift(registry.state(target), command.weights());
        } catch (IllegalArgumentException e) {
            throw new ProvisioningException(e.getMessage());
        }
        TargetState desired = registry.state(target).withWeights(weights);
        router.apply(target, handle, BackendSets.of(desired));
        registry.update(target, s -> s.withWeights(weights));
        LOG.infof("Traffic of %s shifted to %s (%s, deployment %s)", target, weights, command.reason(),
                command.meta().deploymentId());
        RouterHandle after = current(target, router, handle);
        return new TrafficShifted(Meta.causedBy(command.meta()), target, weights, after.url(), command.reason(),
                after.adminUrl(), moved(target, router));
    }

    /**
     * Slots whose address changed with a shift (an App Service swap), recorded in the registry and reported so health
     * checks follow them; null when nothing moved (local routers never move instances).
     */
    private Map<String, String> moved(Target target, TrafficRouter router) throws ProvisioningException {
        if (!(router instanceof MovingRouter moving)) {
            return null;
        }
        Map<String, String> moved = new java.util.LinkedHashMap<>();
        moving.instanceUrls(target).forEach((slot, url) -> registry.instance(target, slot).ifPresent(instance -> {
            if (!url.equals(instance.url())) {
                moved.put(slot, url);
                registry.update(target, s -> s.withInstance(new SlotInstance(instance.slot(), instance.version(),
                        instance.deploymentId(), url, instance.instanceId(), instance.pid(), instance.port(),
                        instance.processStartMs(), instance.startedAtMs())));
            }
        }));
        return moved.isEmpty() ? null : moved;
    }

    private SlotReleased release(ReleaseSlot command, TargetProvider provider, TrafficRouter router)
            throws ProvisioningException {
        Target target = command.target();
        Optional<SlotInstance> current = registry.instance(target, command.slot());
        if (current.isEmpty()) {
            LOG.infof("Slot %s of %s runs nothing: released (deployment %s)", command.slot(), target,
                    command.meta().deploymentId());
            return new SlotReleased(Meta.causedBy(command.meta()), target, command.slot(), command.reason());
        }
        long t0 = System.nanoTime();
        RouterHandle handle = knownRouter(target, router);
        try {
            secure(target, router, handle, null); // a router started again here must not serve without it
        } catch (ProvisioningException e) {
            LOG.warnf("Could not restore the router security of %s while releasing slot %s: %s", target,
                    command.slot(), e.getMessage());
        }
        takeOut(target, provider, router, handle, current.get());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        metrics.released(took);
        LOG.infof("Slot %s of %s released (%s stopped in %d ms, %s, deployment %s)", command.slot(), target,
                current.get().instanceId(), took.toMillis(), command.reason(), command.meta().deploymentId());
        return new SlotReleased(Meta.causedBy(command.meta()), target, command.slot(), command.reason());
    }

    /** Out of the router, let in-flight requests finish, stop, forget. */
    private void takeOut(Target target, TargetProvider provider, TrafficRouter router, RouterHandle handle,
                         SlotInstance instance) {
        try {
            router.apply(target, handle, BackendSets.of(registry.state(target).withoutSlot(instance.slot())));
            router.awaitDrained(target, handle, instance.slot());
        } catch (ProvisioningException e) {
            // a router that cannot be reached is not sending it traffic either: stop it anyway
            LOG.warnf("Could not take slot %s of %s out of its router (%s): stopping it anyway", instance.slot(),
                    target, e.getMessage());
        }
        provider.stop(instance);
        registry.update(target, s -> s.withoutSlot(instance.slot()));
    }

    /**
     * Sets {@code requested} on the router and records it; without one, re-applies the one recorded (a router
     * started again has none), if any. Nothing recorded and nothing requested: the router is left as it is.
     */
    private void secure(Target target, TrafficRouter router, RouterHandle handle, RouterSecurity requested)
            throws ProvisioningException {
        RouterSecurity security = requested != null ? requested : registry.state(target).security();
        if (security == null) {
            return;
        }
        router.secure(target, handle, security);
        if (requested != null && !requested.equals(registry.state(target).security())) {
            registry.update(target, s -> s.withSecurity(requested));
            LOG.infof("Router of %s: https-only %s, hsts %s, csp %s", target, requested.httpsOnly(), requested.hsts(),
                    requested.csp() == null ? "none" : "'" + requested.csp() + "'");
        }
    }

    /** The target's router, started again if it died (its backend set is then restored by the next apply). */
    private RouterHandle knownRouter(Target target, TrafficRouter router) throws ProvisioningException {
        TargetState state = registry.state(target);
        if (state.routerPort() == null) {
            throw new ProvisioningException("no router known for " + target + ": provision a slot first");
        }
        RouterHandle handle = router.ensure(target, state.routerPort(), state.routerPid());
        registry.update(target, s -> s.withRouter(handle.port(), handle.pid()));
        return handle;
    }

    private void dropDead(Target target, TargetProvider provider) {
        for (SlotInstance instance : registry.state(target).slots().values()) {
            if (!provider.alive(instance)) {
                LOG.warnf("Slot %s of %s (%s) is no longer running: dropped", instance.slot(), target, instance.instanceId());
                registry.update(target, s -> s.withoutSlot(instance.slot()));
            }
        }
    }

    private static SlotProvisioned provisioned(ProvisionSlot command, SlotInstance instance, RouterHandle router) {
        return new SlotProvisioned(Meta.causedBy(command.meta()), command.target(), command.slot(), command.version(),
                instance.url(), instance.instanceId(), router.adminUrl(), router.url());
    }

    private static String describe(ProvisionSlot command) {
        return command.target() + " slot " + command.slot() + " (deployment " + command.meta().deploymentId() + ")";
    }

    /** The router's handle after what was just done (a cloud router's metrics source may have moved). */
    private static RouterHandle current(Target target, TrafficRouter router, RouterHandle handle)
            throws ProvisioningException {
        return router instanceof MovingRouter moving ? moving.current(target, handle) : handle;
    }

    private static Placement placementOf(ProvisionerCommand command) {
        return command instanceof ProvisionerCommand.Placed placed ? placed.placement() : null;
    }

    private static String slotOf(ProvisionerCommand command) {
        if (command instanceof ProvisionSlot p) {
            return p.slot();
        }
        return command instanceof ReleaseSlot r ? r.slot() : null;
    }
}
