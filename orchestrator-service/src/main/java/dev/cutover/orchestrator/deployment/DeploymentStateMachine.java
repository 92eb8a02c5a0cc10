package dev.cutover.orchestrator.deployment;

import dev.cutover.events.Command;
import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent.ConfigRejected;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.DeploymentEvent.DeploymentAccepted;
import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Event;
import dev.cutover.events.HealthMonitorCommand.CheckMode;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static dev.cutover.events.DeploymentStatus.CLEANING_UP;
import static dev.cutover.events.DeploymentStatus.CONFIGURING;
import static dev.cutover.events.DeploymentStatus.FAILED;
import static dev.cutover.events.DeploymentStatus.MONITORING;
import static dev.cutover.events.DeploymentStatus.PENDING;
import static dev.cutover.events.DeploymentStatus.PROVISIONING;
import static dev.cutover.events.DeploymentStatus.ROLLED_BACK;
import static dev.cutover.events.DeploymentStatus.ROLLING_BACK;
import static dev.cutover.events.DeploymentStatus.SUCCEEDED;
import static dev.cutover.events.DeploymentStatus.SWITCHING;
import static dev.cutover.events.DeploymentStatus.VERIFYING;

/**
 * Blue-green as a pure function: (deployment, input) → (next deployment, messages to publish). No Quarkus, no
 * Kafka, no clock: callers pass {@code now}.
 * <p>
 * The command of each non-terminal status is derived from the deployment alone ({@link #commandFor}), so
 * entering a status and re-issuing it after a restart send the same command. Inputs not expected in the
 * current status are ignored: that makes redelivered events, duplicate agent replies and the provisioner
 * traffic caused by the rollback-service harmless.
 * <p>
 * Failure rules: before traffic moved (provision, verify) the new slot is released, then FAILED; config
 * failures are FAILED at once (nothing provisioned). From the switch on, traffic may be on the new slot, so a
 * failure rolls back to the stable slot; on a target's first deployment (no stable slot) the new slot is
 * released instead, then FAILED.
 */
public final class DeploymentStateMachine {

    public static final String PRE_SWITCH = "pre-switch";
    public static final String POST_SWITCH = "post-switch";
    public static final String ROLLBACK_STRATEGY = "immediate";

    private final StageTimeouts timeouts;

    public DeploymentStateMachine(StageTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    /** A new deployment, PENDING: saved and announced before anything is commanded. */
    public Transition accept(String id, String correlationId, DeploymentRequest request, SlotPlan plan, Meta cause,
                             Instant now) {
        Deployment d = new Deployment.Builder().id(id).target(request.target()).version(request.version())
                .artifact(request.artifact()).strategy(request.strategy()).overrides(request.overrides())
                .correlationId(correlationId).status(PENDING).reason("accepted").slot(plan.slot())
                .stableSlot(plan.stableSlot()).stableVersion(plan.stableVersion()).createdAt(now).updatedAt(now)
                .build();
        DeploymentAccepted accepted = new DeploymentAccepted(meta(d, cause, now), d.target(), d.version(),
                d.strategy());
        return new Transition(null, d, List.of(accepted), "accepted");
    }

    /** PENDING → CONFIGURING. */
    public Transition start(Deployment d, Instant now) {
        if (d.status() != PENDING) {
            return Transition.ignored(d);
        }
        String reason = "resolving configuration for " + d.version();
        return advance(d, null, now, StageStatus.SUCCEEDED, CONFIGURING, reason, b -> b);
    }

    public Transition on(Deployment d, Event event, Instant now) {
        Meta cause = event.meta();
        switch (d.status()) {
            case CONFIGURING -> {
                if (event instanceof ConfigResolved resolved) {
                    RunSettings settings;
                    try {
                        settings = RunSettings.from(resolved.config());
                    } catch (IllegalArgumentException e) {
                        return advance(d, cause, now, StageStatus.FAILED, FAILED,
                                "invalid configuration: " + e.getMessage(), b -> b.configHash(resolved.configHash()));
                    }
                    return advance(d, cause, now, StageStatus.SUCCEEDED, PROVISIONING,
                            "configuration resolved (" + resolved.configHash() + ")",
                            b -> b.settings(settings).configHash(resolved.configHash()));
                }
                if (event instanceof ConfigRejected rejected) {
                    return advance(d, cause, now, StageStatus.FAILED, FAILED,
                            "configuration rejected: " + rejected.reason(), b -> b);
                }
            }
            case PROVISIONING -> {
                if (event instanceof SlotProvisioned p && d.slot().equals(p.slot())) {
                    return advance(d, cause, now, StageStatus.SUCCEEDED, VERIFYING,
                            "slot " + d.slot() + " runs " + d.version() + " at " + p.instanceUrl(),
                            b -> b.instanceUrl(p.instanceUrl()));
                }
                if (event instanceof ProvisioningFailed f && "provision".equals(f.operation())
                        && sameSlot(f.slot(), d.slot())) {
                    return releaseNewSlot(d, cause, now, "provisioning slot " + d.slot() + " failed: " + f.reason());
                }
            }
            case VERIFYING -> {
                if (event instanceof HealthCheckCompleted h && PRE_SWITCH.equals(h.phase()) && d.slot().equals(h.slot())) {
                    return h.passed()
                            ? advance(d, cause, now, StageStatus.SUCCEEDED, SWITCHING,
                                    "pre-switch health check passed after " + h.rounds() + " rounds", b -> b)
                            : releaseNewSlot(d, cause, now, "pre-switch health check failed: " + h.reason());
                }
            }
            case SWITCHING -> {
                if (event instanceof TrafficShifted t && Integer.valueOf(100).equals(t.weights().get(d.slot()))) {
                    return advance(d, cause, now, StageStatus.SUCCEEDED, MONITORING, "traffic on " + d.slot(),
                            b -> b.routerUrl(t.routerUrl()));
                }
                if (event instanceof ProvisioningFailed f && "shift".equals(f.operation())) {
                    return failAfterSwitch(d, cause, now, "shifting traffic to " + d.slot() + " failed: " + f.reason());
                }
            }
            case MONITORING -> {
                if (event instanceof HealthCheckCompleted h && POST_SWITCH.equals(h.phase()) && d.slot().equals(h.slot())) {
                    if (!h.passed()) {
                        return failAfterSwitch(d, cause, now, "post-switch health check failed: " + h.reason());
                    }
                    String done = d.slot() + " serves " + d.version();
                    if (d.stableSlot() == null) {
                        return advance(d, cause, now, StageStatus.SUCCEEDED, SUCCEEDED,
                                "post-switch health check passed; " + done, b -> b);
                    }
                    return advance(d, cause, now, StageStatus.SUCCEEDED, CLEANING_UP,
                            "post-switch health check passed; releasing " + d.stableSlot(),
                            b -> b.cleanup(new CleanupPlan(d.stableSlot(), SUCCEEDED,
                                    done + "; " + d.stableSlot() + " released")));
                }
            }
            case CLEANING_UP -> {
                CleanupPlan plan = d.cleanup();
                if (event instanceof SlotReleased r && plan.slot().equals(r.slot())) {
                    return endCleanup(d, cause, now, null);
                }
                if (event instanceof ProvisioningFailed f && "release".equals(f.operation())
                        && sameSlot(f.slot(), plan.slot())) {
                    return endCleanup(d, cause, now, f.reason());
                }
            }
            case ROLLING_BACK -> {
                if (event instanceof RollbackCompleted r) {
                    return advance(d, cause, now, StageStatus.SUCCEEDED, ROLLED_BACK,
                            "rolled back to " + d.stableSlot() + " (" + d.stableVersion() + ") after: " + d.reason(),
                            b -> b.rollback(new RollbackFigures(r.trafficRestoredMs(), r.durationMs())));
                }
                if (event instanceof RollbackFailed f) {
                    return advance(d, cause, now, StageStatus.FAILED, FAILED,
                            "rollback failed: " + f.reason() + " (after: " + d.reason() + ")", b -> b);
                }
            }
            default -> {
                // PENDING and terminal deployments take no events
            }
        }
        return Transition.ignored(d);
    }

    /** Fails the running stage if its deadline has passed. */
    public Transition tick(Deployment d, Instant now) {
        Stage stage = d.currentStage();
        if (d.terminal() || stage == null || stage.deadline() == null || now.isBefore(stage.deadline())) {
            return Transition.ignored(d);
        }
        String reason = "stage " + stage.name() + " timed out after "
                + format(Duration.between(stage.startedAt(), stage.deadline()));
        return switch (d.status()) {
            case CONFIGURING -> advance(d, null, now, StageStatus.FAILED, FAILED, reason, b -> b);
            case PROVISIONING, VERIFYING -> releaseNewSlot(d, null, now, reason);
            case SWITCHING, MONITORING -> failAfterSwitch(d, null, now, reason);
            case CLEANING_UP -> endCleanup(d, null, now, reason);
            case ROLLING_BACK -> advance(d, null, now, StageStatus.FAILED, FAILED,
                    reason + " (rolling back after: " + d.reason() + ")", b -> b);
            default -> Transition.ignored(d);
        };
    }

    /** The command of the current status again (after a restart; agents are idempotent). */
    public List<Message> reissue(Deployment d, Instant now) {
        Command command = commandFor(d, meta(d, null, now));
        return command == null ? List.of() : List.of(command);
    }

    /** What a deployment in its current status is waiting for an agent to do. */
    static Command commandFor(Deployment d, Meta meta) {
        return switch (d.status()) {
            case CONFIGURING -> new ResolveConfig(meta, d.target(), d.version(), d.overrides());
            case PROVISIONING -> new ProvisionSlot(meta, d.target(), d.slot(), d.version(), d.artifact(),
                    d.settings().environment(), d.settings().routerPort());
            case VERIFYING -> new RunHealthCheck(meta, d.target(), d.slot(), d.instanceUrl(), PRE_SWITCH,
                    CheckMode.UNTIL_HEALTHY, d.settings().health().untilHealthySpec());
            case SWITCHING -> new ShiftTraffic(meta, d.target(), switchWeights(d), "switch");
            case MONITORING -> new RunHealthCheck(meta, d.target(), d.slot(), d.instanceUrl(), POST_SWITCH,
                    CheckMode.WATCH, d.settings().health().watchSpec());
            case CLEANING_UP -> new ReleaseSlot(meta, d.target(), d.cleanup().slot(),
                    d.cleanup().outcome() == SUCCEEDED ? "cleanup" : "abort");
            case ROLLING_BACK -> new StartRollback(meta, d.target(), d.stableSlot(), d.slot(), ROLLBACK_STRATEGY,
                    d.reason());
            default -> null;
        };
    }

    private static Map<String, Integer> switchWeights(Deployment d) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put(d.slot(), 100);
        if (d.stableSlot() != null) {
            weights.put(d.stableSlot(), 0);
        }
        return weights;
    }

    /** Before traffic moved: stop the new slot, then FAILED. */
    private Transition releaseNewSlot(Deployment d, Meta cause, Instant now, String reason) {
        return advance(d, cause, now, StageStatus.FAILED, CLEANING_UP, reason,
                b -> b.cleanup(new CleanupPlan(d.slot(), FAILED, reason)));
    }

    /** Traffic may be on the new slot: roll back to the stable one, or on a first deployment just release. */
    private Transition failAfterSwitch(Deployment d, Meta cause, Instant now, String reason) {
        if (d.stableSlot() == null) {
            return releaseNewSlot(d, cause, now, reason);
        }
        return advance(d, cause, now, StageStatus.FAILED, ROLLING_BACK, reason, b -> b);
    }

    /**
     * Ends CLEANING_UP with the planned outcome. A slot that could not be released does not change the
     * outcome (the new version already serves, or the deployment already failed); it is added to the reason.
     */
    private Transition endCleanup(Deployment d, Meta cause, Instant now, String problem) {
        CleanupPlan plan = d.cleanup();
        String reason = problem == null ? plan.reason()
                : plan.reason() + "; slot " + plan.slot() + " not released: " + problem;
        return advance(d, cause, now, problem == null ? StageStatus.SUCCEEDED : StageStatus.FAILED, plan.outcome(),
                reason, b -> b);
    }

    private Transition advance(Deployment d, Meta cause, Instant now, StageStatus stageOutcome,
                               DeploymentStatus next, String reason, UnaryOperator<Deployment.Builder> changes) {
        Deployment.Builder b = changes.apply(d.edit().endStage(stageOutcome, reason, now))
                .status(next).reason(reason).updatedAt(now);
        if (next != CLEANING_UP) {
            b.cleanup(null);
        }
        String stage = stageOf(next);
        if (stage != null) {
            RunSettings settings = b.build().settings();
            b.startStage(stage, now, now.plus(timeouts.of(stage, settings)));
        }
        Deployment after = b.build();
        List<Message> out = new ArrayList<>();
        out.add(new DeploymentStatusChanged(meta(after, cause, now), after.target(), after.version(), next,
                after.stage() == null ? "accept" : after.stage(), reason));
        Command command = commandFor(after, meta(after, cause, now));
        if (command != null) {
            out.add(command);
        }
        return new Transition(d, after, out, reason);
    }

    static String stageOf(DeploymentStatus status) {
        return switch (status) {
            case CONFIGURING -> Stage.CONFIG;
            case PROVISIONING -> Stage.PROVISION;
            case VERIFYING -> Stage.VERIFY;
            case SWITCHING -> Stage.SWITCH;
            case MONITORING -> Stage.MONITOR;
            case CLEANING_UP -> Stage.CLEANUP;
            case ROLLING_BACK -> Stage.ROLLBACK;
            default -> null;
        };
    }

    private static Meta meta(Deployment d, Meta cause, Instant now) {
        return new Meta(UUID.randomUUID().toString(), d.id(), d.correlationId(),
                cause == null ? null : cause.messageId(), now);
    }

    private static boolean sameSlot(String reported, String expected) {
        return reported == null || reported.equals(expected);
    }

    /** "30s", or "1.5s" for durations that are not whole seconds (short test timeouts). */
    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : (ms / 1000.0) + "s";
    }
}
