package dev.cutover.orchestrator.engine.recovery;

import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.orchestrator.engine.Transitions;
import dev.cutover.orchestrator.model.CleanupPlan;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.FailureAction;
import dev.cutover.orchestrator.model.FailureRecord;
import dev.cutover.orchestrator.model.FailureType;
import dev.cutover.orchestrator.model.HoldKind;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.StageStatus;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.settings.RecoveryPolicy;
import dev.cutover.orchestrator.settings.RolloutSettings;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.cutover.events.DeploymentStatus.CLEANING_UP;
import static dev.cutover.events.DeploymentStatus.FAILED;
import static dev.cutover.events.DeploymentStatus.PROVISIONING;

/**
 * Failures and what is done about them: retries before traffic moved (by the environment's recovery policy), and
 * the record of every classified failure with the action taken, on the deployment and its status event.
 */
public final class Recovery {

    private final Transitions t;

    public Recovery(Transitions t) {
        this.t = t;
    }

    public static FailureRecord record(Classification c, String actionTaken, FailureAction action, int attempt,
                                       String stage, String reason, Instant at) {
        return new FailureRecord(c.type(), c.severity(), c.recoverable(), c.suggestedAction(), actionTaken, action,
                attempt, stage, reason, at);
    }

    /**
     * A failure before traffic moved (provision, verify). Recoverable and attempts left: release what the attempt
     * left and provision again after the policy's delay (PROVISIONING, stage retry, its deadline the retry time).
     * Otherwise release the new slot, then FAILED.
     */
    public Transition failedBeforeSwitch(Deployment d, Meta cause, Instant now, String why, Classification c) {
        RecoveryPolicy policy = d.settings() == null ? RecoveryPolicy.DEFAULTS : d.settings().recovery();
        int attempt = d.attempt();
        int max = policy.maxAttempts();
        if (c.recoverable() && attempt < max) {
            Duration delay = Duration.ofMillis(policy.delayMs(c.type(), d.stage()));
            int next = attempt + 1;
            String action = "retry " + next + "/" + max + " in " + Transitions.format(delay);
            FailureRecord f = record(c, action, FailureAction.RETRY, attempt, d.stage(), why, now);
            return t.go(d, cause, now, StageStatus.FAILED, PROVISIONING, Stage.RETRY, action + " after: " + why,
                    now.plus(delay), b -> b.attempt(next).addFailure(f));
        }
        String action;
        String reason = why;
        boolean configuration = c.type() == FailureType.CONFIGURATION_ERROR;
        if (configuration) {
            action = "stopped: fix the configuration; releasing " + d.slot();
        } else if (c.recoverable()) {
            action = "releasing " + d.slot() + "; no attempts left (" + attempt + "/" + max + ")";
            reason = max > 1 ? why + " (attempt " + attempt + "/" + max + ", no attempts left)" : why;
        } else {
            action = "releasing " + d.slot() + "; not retried";
        }
        FailureRecord f = record(c, action, configuration ? FailureAction.STOP : FailureAction.RELEASE, attempt,
                d.stage(), reason, now);
        String ended = reason;
        return t.go(d, cause, now, StageStatus.FAILED, CLEANING_UP, Stage.CLEANUP, ended, null,
                b -> b.cleanup(new CleanupPlan(d.slot(), FAILED, ended)).addFailure(f));
    }

    /**
     * A failure while planning or applying the target's infrastructure (nothing of the new version runs yet).
     * Recoverable and attempts left: plan again after the policy's delay (PROVISIONING, stage replan, its deadline
     * the re-plan time; a fresh plan, since a failed apply may have changed what exists). Otherwise FAILED at once:
     * there is no slot to release.
     */
    public Transition failedBeforeProvisioning(Deployment d, Meta cause, Instant now, String why, Classification c) {
        RecoveryPolicy policy = d.settings() == null ? RecoveryPolicy.DEFAULTS : d.settings().recovery();
        int attempt = d.attempt();
        int max = policy.maxAttempts();
        if (c.recoverable() && attempt < max) {
            Duration delay = Duration.ofMillis(policy.delayMs(c.type(), d.stage()));
            int next = attempt + 1;
            String action = "plan again " + next + "/" + max + " in " + Transitions.format(delay);
            FailureRecord f = record(c, action, FailureAction.RETRY, attempt, d.stage(), why, now);
            return t.go(d, cause, now, StageStatus.FAILED, PROVISIONING, Stage.REPLAN, action + " after: " + why,
                    now.plus(delay), b -> b.attempt(next).addFailure(f));
        }
        String action;
        String reason = why;
        if (c.type() == FailureType.CONFIGURATION_ERROR) {
            action = "stopped: fix the configuration";
        } else if (c.recoverable()) {
            action = "stopped: no attempts left (" + attempt + "/" + max + ")";
            reason = max > 1 ? why + " (attempt " + attempt + "/" + max + ", no attempts left)" : why;
        } else {
            action = "stopped: not retried";
        }
        FailureRecord f = record(c, action, FailureAction.STOP, attempt, d.stage(), reason, now);
        return t.go(d, cause, now, StageStatus.FAILED, FAILED, null, reason, null, b -> b.addFailure(f));
    }

    /** The retry time came: provision the same slot and version again (the strategy's PROVISIONING command). */
    public Transition retryNow(Deployment d, Instant now) {
        int max = d.settings() == null ? RecoveryPolicy.DEFAULTS.maxAttempts() : d.settings().recovery().maxAttempts();
        return t.go(d, null, now, StageStatus.SUCCEEDED, PROVISIONING, Stage.PROVISION,
                "attempt " + d.attempt() + "/" + max + ": provisioning " + d.slot() + " with " + d.version()
                        + " again", null, b -> b);
    }

    /** Traffic may be on the new version: from the switch on (or any confirmed weights). */
    public static boolean trafficMoved(Deployment d) {
        return switch (d.status()) {
            case QUEUED, PENDING, CONFIGURING, PROVISIONING, VERIFYING -> false;
            case CLEANING_UP -> !d.weights().isEmpty();
            default -> true;
        };
    }

    /**
     * Records {@code c} on a transition the failure caused (rollback, release, pause for a manual rollback, stop, or
     * the end of a cleanup), unless the transition recorded one itself; the status event carries it.
     */
    public Transition classified(Transition tr, Deployment before, Classification c, Instant now) {
        if (c == null || !tr.changed() || tr.after().failures().size() > before.failures().size()) {
            return tr;
        }
        Deployment a = tr.after();
        String action;
        FailureAction kind;
        switch (a.status()) {
            case ROLLING_BACK -> {
                action = "rollback (" + (a.rollbackPlan() == null ? RolloutSettings.IMMEDIATE
                        : a.rollbackPlan().strategy()) + ")";
                kind = FailureAction.ROLLBACK;
            }
            case CLEANING_UP -> {
                if (a.cleanup() == null || a.cleanup().succeeds()) {
                    return tr;
                }
                action = "releasing " + a.cleanup().slot() + (trafficMoved(before)
                        ? " (first deployment: no stable version to roll back to)" : "") + "; not retried";
                kind = FailureAction.RELEASE;
            }
            case PAUSED -> {
                if (a.hold() == null || !a.hold().is(HoldKind.MANUAL_ROLLBACK)) {
                    return tr;
                }
                action = "paused: waiting for an operator to roll back";
                kind = FailureAction.PAUSE;
            }
            case FAILED -> {
                action = switch (c.type()) {
                    case CONFIGURATION_ERROR -> "stopped: fix the configuration";
                    case ROLLBACK_FAILURE -> "stopped: manual intervention needed";
                    default -> "stopped";
                };
                kind = FailureAction.STOP;
            }
            default -> {
                if (before.status() != CLEANING_UP || !a.terminal()) {
                    return tr;
                }
                action = "none: the deployment still ends " + a.status();
                kind = FailureAction.NONE;
            }
        }
        FailureRecord f = record(c, action, kind, before.attempt(), before.stage(), tr.reason(), now);
        Deployment after = a.edit().addFailure(f).build();
        List<Message> out = tr.messages().stream().map(m -> m instanceof DeploymentStatusChanged s
                ? (Message) new DeploymentStatusChanged(s.meta(), s.target(), s.version(), s.status(), s.stage(),
                s.reason(), f.toEvent()) : m).toList();
        return new Transition(tr.before(), after, out, tr.reason());
    }
}
