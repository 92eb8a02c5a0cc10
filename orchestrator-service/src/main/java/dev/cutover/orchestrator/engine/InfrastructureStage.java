package dev.cutover.orchestrator.engine;

import dev.cutover.events.Command;
import dev.cutover.events.Event;
import dev.cutover.events.HealthMonitorEvent.Outcome;
import dev.cutover.events.InfrastructurePlan;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ApplyInfrastructure;
import dev.cutover.events.ProvisionerCommand.PlanInfrastructure;
import dev.cutover.events.ProvisionerEvent.InfrastructureApplied;
import dev.cutover.events.ProvisionerEvent.InfrastructurePlanned;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.orchestrator.engine.recovery.Classifier;
import dev.cutover.orchestrator.engine.recovery.Recovery;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.FailureAction;
import dev.cutover.orchestrator.model.FailureRecord;
import dev.cutover.orchestrator.model.Hold;
import dev.cutover.orchestrator.model.HoldKind;
import dev.cutover.orchestrator.model.InfrastructureRecord;
import dev.cutover.orchestrator.model.ProvisionerOperation;
import dev.cutover.orchestrator.model.RunsOn;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.StageStatus;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.settings.RunSettings;
import dev.cutover.orchestrator.settings.TargetSettings;
import dev.cutover.orchestrator.strategy.Moves;
import dev.cutover.orchestrator.strategy.RollbackTrigger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.cutover.events.DeploymentStatus.AWAITING_APPROVAL;
import static dev.cutover.events.DeploymentStatus.FAILED;
import static dev.cutover.events.DeploymentStatus.PROVISIONING;

/**
 * The plan stage every strategy starts with, before anything is provisioned: PlanInfrastructure for the target's
 * placement → InfrastructurePlanned, recorded on the deployment. A blocked plan (a blocking hardening rule failed,
 * or the estimate is over budget) stops as a configuration error; a plan without changes goes straight to the
 * strategy's first step; a plan with changes is applied (ApplyInfrastructure → InfrastructureApplied) first, held
 * AWAITING_APPROVAL (hold {@link HoldKind#PROVISION_APPROVAL}) before that when the environment gates it, so
 * nothing is created before an operator approves. Plan and apply failures follow the recovery policy (a
 * recoverable one plans again after its delay, stage {@code replan}); an abort or a timeout of the approval ends
 * the deployment with nothing to release. Strategy-agnostic: it knows the strategy only through
 * {@link Transitions#strategy} and its {@code begin}.
 */
final class InfrastructureStage {

    private final Transitions t;
    private final Recovery recovery;

    InfrastructureStage(Transitions t, Recovery recovery) {
        this.t = t;
        this.recovery = recovery;
    }

    /** PROVISIONING in plan, apply or the wait before planning again. */
    static boolean running(Deployment d) {
        return d.status() == PROVISIONING && (Stage.PLAN.equals(d.stage()) || Stage.APPLY.equals(d.stage())
                || Stage.REPLAN.equals(d.stage()));
    }

    /** In the plan stage or held for its approval: nothing of the new version exists yet. */
    static boolean beforeProvisioning(Deployment d) {
        return running(d) || (d.status() == AWAITING_APPROVAL && d.hold() != null
                && d.hold().is(HoldKind.PROVISION_APPROVAL));
    }

    /**
     * The configuration is known: refuse a strategy the target kind cannot do (a configuration error, before any
     * plan), else plan.
     */
    Transition plan(Deployment d, Meta cause, Instant now, String reason) {
        String kind = d.settings().targetKind();
        RunsOn runsOn = t.strategy(d).runsOn();
        if (!runsOn.allows(kind)) {
            String why = runsOn.refusal(t.strategy(d).name(), kind);
            FailureRecord f = Recovery.record(Classifier.configuration(), "stopped: fix the configuration",
                    FailureAction.STOP, d.attempt(), Stage.CONFIG, why, now);
            return t.go(d, cause, now, StageStatus.FAILED, FAILED, null, why, null, b -> b.addFailure(f));
        }
        return t.go(d, cause, now, StageStatus.SUCCEEDED, PROVISIONING, Stage.PLAN, reason, null, b -> b);
    }

    /** A provisioner event while planning or applying; ignored when it is not the awaited one. */
    Transition on(Moves m, Deployment d, Event event, Instant now) {
        Meta cause = event.meta();
        if (Stage.PLAN.equals(d.stage()) && event instanceof InfrastructurePlanned p && p.plan() != null) {
            return planned(m, d, cause, now, p.plan());
        }
        InfrastructurePlan plan = d.infrastructure() == null ? null : d.infrastructure().plan();
        if (Stage.APPLY.equals(d.stage()) && event instanceof InfrastructureApplied a && plan != null
                && plan.id().equals(a.planId())) {
            Deployment applied = d.edit().infrastructure(d.infrastructure().applied(a.planId(), a.created(),
                    a.updated())).build();
            return t.strategy(d).begin(m, applied, cause, now, "plan " + a.planId() + " applied: " + a.created().size()
                    + " created, " + a.updated().size() + " updated");
        }
        if (event instanceof ProvisioningFailed f && ((Stage.PLAN.equals(d.stage())
                && ProvisionerOperation.PLAN.is(f.operation()))
                || (Stage.APPLY.equals(d.stage()) && ProvisionerOperation.APPLY.is(f.operation())))) {
            String why = (Stage.PLAN.equals(d.stage()) ? "planning" : "applying plan "
                    + (plan == null ? "" : plan.id() + " ")) + "the infrastructure failed: " + f.reason();
            return failed(d, cause, now, why, f);
        }
        return Transition.ignored(d);
    }

    private Transition planned(Moves m, Deployment d, Meta cause, Instant now, InfrastructurePlan plan) {
        Deployment recorded = d.edit().infrastructure(InfrastructureRecord.planned(d.infrastructure(), plan, now))
                .build();
        if (plan.blocked()) {
            String why = "infrastructure plan " + plan.id() + " blocked: " + blockedBy(plan);
            FailureRecord f = Recovery.record(Classifier.configuration(), "stopped: fix the configuration",
                    FailureAction.STOP, d.attempt(), Stage.PLAN, why, now);
            return t.go(recorded, cause, now, StageStatus.FAILED, FAILED, null, why, null, b -> b.addFailure(f));
        }
        String summary = "plan " + plan.id() + ": " + summary(plan);
        if (plan.noChanges()) {
            return t.strategy(d).begin(m, recorded, cause, now, summary);
        }
        if (target(d).approvalBeforeProvision()) {
            String reason = summary + "; waiting for approval before creating or changing anything (POST /deployments/"
                    + d.id() + "/approve, or /abort)";
            return t.hold(recorded, cause, now, AWAITING_APPROVAL,
                    new Hold(HoldKind.PROVISION_APPROVAL, PROVISIONING, Stage.APPLY, reason, null), reason,
                    StageStatus.SUCCEEDED);
        }
        return t.go(recorded, cause, now, StageStatus.SUCCEEDED, PROVISIONING, Stage.APPLY, summary + "; applying it",
                null, b -> b);
    }

    /** Plan or apply failed (or timed out): the recovery policy decides; what an apply created is recorded. */
    Transition failed(Deployment d, Meta cause, Instant now, String why, ProvisioningFailed f) {
        List<String> created = f == null ? List.of() : f.createdResources();
        Deployment recorded = created.isEmpty() ? d
                : d.edit().infrastructure(InfrastructureRecord.failed(d.infrastructure(), created)).build();
        String reason = created.isEmpty() ? why : why + " (created before failing: " + String.join(", ", created) + ")";
        return recovery.failedBeforeProvisioning(recorded, cause, now, reason,
                f == null ? Classifier.timeout(d.stage(), false) : Classifier.of(f, false));
    }

    /** The plan or apply stage passed its deadline without an answer. */
    Transition timedOut(Deployment d, Instant now, String reason) {
        return Stage.REPLAN.equals(d.stage()) ? Transition.ignored(d) : failed(d, null, now, reason, null);
    }

    /** The re-plan time came: plan again (the attempt was counted when the failure was). */
    Transition replanNow(Deployment d, Instant now) {
        int max = d.settings().recovery().maxAttempts();
        return t.go(d, null, now, StageStatus.SUCCEEDED, PROVISIONING, Stage.PLAN, "attempt " + d.attempt() + "/"
                + max + ": planning the infrastructure again", null, b -> b);
    }

    /** Abort, rollback, supersede or an approval timeout before anything was provisioned: it just ends. */
    Transition end(Deployment d, Meta cause, Instant now, String why, RollbackTrigger trigger) {
        StageStatus outcome = trigger == RollbackTrigger.FAILURE ? StageStatus.FAILED : StageStatus.INTERRUPTED;
        String created = d.infrastructure() == null || d.infrastructure().created().isEmpty() ? ""
                : "; infrastructure created by plan " + d.infrastructure().appliedPlanId() + " is kept: "
                + String.join(", ", d.infrastructure().created());
        return t.go(d, cause, now, outcome, StableRollback.endAs(trigger), null, why + created, null, b -> b);
    }

    /** PlanInfrastructure / ApplyInfrastructure of the stage; null while waiting to plan again. */
    static Command commandFor(Deployment d, Meta meta) {
        TargetSettings target = target(d);
        RunSettings s = d.settings();
        return switch (d.stage()) {
            case Stage.PLAN -> new PlanInfrastructure(meta, d.target(), target.placement(), s.environment(),
                    s.security(), target.policy());
            case Stage.APPLY -> d.infrastructure() == null || d.infrastructure().plan() == null ? null
                    : new ApplyInfrastructure(meta, d.target(), target.placement(), s.environment(), s.security(),
                    target.policy(), d.infrastructure().plan().id());
            default -> null;
        };
    }

    private static TargetSettings target(Deployment d) {
        TargetSettings target = d.settings().target();
        return target != null ? target : TargetSettings.local(d.settings().rollout().instanceCount());
    }

    /** "2 to create, 1 to update, 3 unchanged; 1 key not honoured". */
    static String summary(InfrastructurePlan plan) {
        if (plan.noChanges()) {
            return "no changes" + unhonoured(plan);
        }
        long create = plan.changes().stream().filter(c -> c.action() == InfrastructurePlan.Action.CREATE).count();
        long update = plan.changes().stream().filter(c -> c.action() == InfrastructurePlan.Action.UPDATE).count();
        long same = plan.changes().size() - create - update;
        String cost = plan.cost() == null ? "" : String.format(Locale.ROOT, ", about %.2f %s/month",
                plan.cost().monthlyTotal(), plan.cost().currency());
        return create + " to create, " + update + " to update, " + same + " unchanged" + cost + unhonoured(plan);
    }

    private static String unhonoured(InfrastructurePlan plan) {
        return plan.unhonoured().isEmpty() ? "" : "; " + plan.unhonoured().size() + " key(s) the " + plan.provider()
                + " provider does not honour";
    }

    /** The blocking rules that failed and the budget exceeded, by name. */
    static String blockedBy(InfrastructurePlan plan) {
        List<String> parts = new ArrayList<>();
        List<String> rules = plan.hardening().stream().filter(h -> h.blocking() && h.outcome() == Outcome.FAIL)
                .map(InfrastructurePlan.HardeningResult::rule).toList();
        if (!rules.isEmpty()) {
            parts.add("blocking hardening rule(s) failed: " + String.join(", ", rules));
        }
        InfrastructurePlan.CostEstimate cost = plan.cost();
        if (cost != null && cost.overBudget()) {
            parts.add(String.format(Locale.ROOT, "the estimate of %.2f %s/month exceeds budget.monthly-limit %s",
                    cost.monthlyTotal(), cost.currency(), cost.monthlyLimit() == null ? "?"
                            : String.format(Locale.ROOT, "%.2f", cost.monthlyLimit())));
        }
        return parts.isEmpty() ? "the provisioner marked it blocked" : String.join("; ", parts);
    }
}
