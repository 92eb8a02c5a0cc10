package dev.cutover.orchestrator.engine;

import dev.cutover.events.Command;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.ApplyInfrastructure;
import dev.cutover.events.ProvisionerCommand.PlanInfrastructure;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.orchestrator.model.ActionNotAllowedException;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.FailureAction;
import dev.cutover.orchestrator.model.FailureRecord;
import dev.cutover.orchestrator.model.FailureType;
import dev.cutover.orchestrator.model.HoldKind;
import dev.cutover.orchestrator.model.OperatorAction.Kind;
import dev.cutover.orchestrator.model.Pipeline;
import dev.cutover.orchestrator.model.SlotPlan;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.settings.StageTimeouts;
import dev.cutover.orchestrator.store.SnapshotCodec;
import dev.cutover.orchestrator.strategy.Strategies;
import dev.cutover.orchestrator.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.cutover.events.DeploymentStatus.AWAITING_APPROVAL;
import static dev.cutover.events.DeploymentStatus.FAILED;
import static dev.cutover.events.DeploymentStatus.PROVISIONING;
import static dev.cutover.events.DeploymentStatus.ROLLED_BACK;
import static dev.cutover.orchestrator.testing.Fixtures.T0;
import static dev.cutover.orchestrator.testing.Fixtures.TARGET;
import static dev.cutover.orchestrator.testing.Fixtures.applied;
import static dev.cutover.orchestrator.testing.Fixtures.blockedPlan;
import static dev.cutover.orchestrator.testing.Fixtures.meta;
import static dev.cutover.orchestrator.testing.Fixtures.noChanges;
import static dev.cutover.orchestrator.testing.Fixtures.planned;
import static dev.cutover.orchestrator.testing.Fixtures.provisioned;
import static dev.cutover.orchestrator.testing.Fixtures.withChanges;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plan stage every strategy runs before provisioning, on the pure state machine: plan → no changes → the
 * strategy's first step; changes → apply (held for approval where the environment gates it, nothing applied or
 * provisioned before); a blocked plan stops as a configuration error; plan and apply failures follow the recovery
 * policy; a strategy the target kind cannot do is refused before any plan.
 */
class InfrastructureStageTest {

    private static final DeploymentStateMachine SM = new DeploymentStateMachine(StageTimeouts.DEFAULTS, Strategies.ALL);

    static final Map<String, Object> APP_SERVICE = Map.of("provider", "azure", "kind", "app-service",
            "azure", Map.of("subscription-id", "sub-1", "resource-group", "rg-shop", "region", "westeurope"));

    /** The fixture's configuration (retries on: 3 attempts, 1 s delays) with {@code more} on top. */
    static ConfigResolved config(Object... more) {
        Map<String, Object> c = new LinkedHashMap<>(Fixtures.config());
        c.put("recovery", Map.of("max-attempts", 3, "infrastructure-retry-delay-ms", 1000,
                "application-retry-delay-ms", 1000));
        for (int i = 0; i < more.length; i += 2) {
            c.put((String) more[i], more[i + 1]);
        }
        return Fixtures.configResolved(c);
    }

    /** Over a stable blue (new = green) with {@code strategy}: the configuration resolved, in stage plan. */
    static Transition planning(String strategy, ConfigResolved config) {
        Deployment d = SM.accept(Fixtures.ID, "c-1", new DeploymentRequest("shop", "staging", "2.0.0", "a.jar",
                strategy, Map.of()), new SlotPlan("green", "blue", "1.0.0"), null, T0).after();
        return SM.on(SM.start(d, T0).after(), config, T0);
    }

    static List<Command> commands(Transition t) {
        return t.messages().stream().filter(Command.class::isInstance).map(Command.class::cast).toList();
    }

    static <C extends Command> C only(Class<C> type, Transition t) {
        List<Command> commands = commands(t);
        assertEquals(1, commands.size(), () -> "commands: " + commands);
        return assertInstanceOf(type, commands.get(0));
    }

    @Test
    void aPlanWithoutChangesProvisionsAtOnceWithThePlacementOnEveryCommand() {
        Transition planning = planning("blue-green", config("infrastructure", Map.of("instance-count", 2,
                "instance-size", "Standard_D2s_v3"), "hardening", Map.of("blocking", List.of("https-only"))));
        assertEquals(PROVISIONING, planning.after().status());
        assertEquals(Stage.PLAN, planning.after().stage());
        assertEquals(Pipeline.PROVISION, planning.after().currentStage().pipeline());
        PlanInfrastructure plan = only(PlanInfrastructure.class, planning);
        assertEquals(Placement.LOCAL, plan.placement().provider());
        assertEquals(2, plan.placement().infrastructure().instanceCount());
        assertEquals("Standard_D2s_v3", plan.placement().infrastructure().instanceSize());
        assertEquals(List.of("https-only"), plan.policy().blockingRules());
        assertEquals(Duration.ofSeconds(60), Duration.between(planning.after().currentStage().startedAt(),
                planning.after().currentStage().deadline()));

        Transition provisioning = SM.on(planning.after(), planned(noChanges()), T0);
        Deployment d = provisioning.after();
        assertEquals(Stage.PROVISION, d.stage());
        assertEquals(noChanges(), d.infrastructure().plan());
        ProvisionSlot slot = only(ProvisionSlot.class, provisioning);
        assertEquals(plan.placement(), slot.placement());
        assertEquals(2, slot.instances(), "a blue-green slot runs the environment's instance count");

        d = SM.on(d, provisioned("green"), T0).after();
        d = SM.on(d, Fixtures.health("pre-switch", "green", true), T0).after();
        ShiftTraffic shift = assertInstanceOf(ShiftTraffic.class, SM.reissue(d, T0).get(0));
        assertEquals(plan.placement(), shift.placement());
        d = SM.on(d, Fixtures.shifted("switch", "green", 100, "blue", 0), T0).after();
        d = SM.on(d, Fixtures.health("post-switch", "green", true), T0).after();
        ReleaseSlot release = assertInstanceOf(ReleaseSlot.class, SM.reissue(d, T0).get(0));
        assertEquals(plan.placement(), release.placement());
    }

    @Test
    void aRollbackTellsTheRollbackServiceWhereTheTargetRuns() {
        Deployment d = Fixtures.configured(SM, SM.start(Fixtures.pending(SM, false), T0).after(),
                config("target", APP_SERVICE, "rollback", Map.of("strategy", "gradual"))).after();
        d = SM.on(d, provisioned("green"), T0).after();
        d = SM.on(d, Fixtures.health("pre-switch", "green", true), T0).after();
        d = SM.on(d, Fixtures.shifted("switch", "green", 100, "blue", 0), T0).after();
        Transition rollback = SM.on(d, Fixtures.health("post-switch", "green", false), T0);
        StartRollback start = only(StartRollback.class, rollback);
        assertEquals(Placement.APP_SERVICE, start.placement().kind());
        assertEquals(d.settings().placement(), start.placement());
    }

    @Test
    void aRollingSlotIsOneInstanceOnTheSamePlacement() {
        Transition t = Fixtures.configured(SM, SM.start(SM.accept(Fixtures.ID, "c-1", new DeploymentRequest("shop",
                "staging", "2.0.0", "a.jar", "rolling", Map.of()), SlotPlan.after(null), null, T0).after(), T0)
                .after(), config("infrastructure", Map.of("instance-count", 3)));
        ProvisionSlot slot = only(ProvisionSlot.class, t);
        assertEquals(1, slot.instances());
        assertEquals(3, slot.placement().infrastructure().instanceCount());
    }

    @Test
    void aGatedPlanWithChangesWaitsForApprovalWithNothingAppliedThenAppliesAndProvisions() {
        Transition planning = planning("canary", config("pipeline", Map.of("approval-before-provision", true,
                "approval-before-promote", true)));
        Transition held = SM.on(planning.after(), planned(withChanges()), T0);
        Deployment d = held.after();
        assertEquals(AWAITING_APPROVAL, d.status());
        assertEquals(HoldKind.PROVISION_APPROVAL, d.hold().kind());
        assertEquals(Pipeline.PROVISION, d.currentStage().pipeline());
        assertEquals(withChanges(), d.infrastructure().plan());
        assertEquals(List.of(), commands(held), "nothing applied or provisioned before approval");
        assertEquals(List.of(), SM.reissue(d, T0), "a restart re-issues nothing either");
        assertFalse(SM.on(d, provisioned("green"), T0).changed());
        assertThrows(ActionNotAllowedException.class, () -> SM.act(d, Kind.PROMOTE, "ops", null, T0));

        Transition approved = SM.act(d, Kind.APPROVE, "lead", "plan reviewed", T0);
        assertEquals(PROVISIONING, approved.after().status());
        assertEquals(Stage.APPLY, approved.after().stage());
        assertEquals("plan-new", only(ApplyInfrastructure.class, approved).planId());
        assertFalse(approved.after().approved(), "approving the plan is not approving the promote gate");

        assertFalse(SM.on(approved.after(), applied("another-plan"), T0).changed(), "only the approved plan counts");
        Transition provisioning = SM.on(approved.after(), applied("plan-new"), T0);
        assertEquals(Stage.PROVISION, provisioning.after().stage());
        assertInstanceOf(ProvisionSlot.class, only(ProvisionSlot.class, provisioning));
        assertEquals(1, provisioning.after().infrastructure().created().size());
        assertEquals("plan-new", provisioning.after().infrastructure().appliedPlanId());
        assertEquals(List.of(Stage.CONFIG, Stage.PLAN, Stage.APPROVAL, Stage.APPLY, Stage.PROVISION),
                provisioning.after().stages().stream().map(Stage::name).toList());
    }

    @Test
    void aHeldPlanSurvivesTheSnapshotAndIsAppliedAfterARestart() {
        Deployment held = SM.on(planning("blue-green", config("target", APP_SERVICE, "pipeline",
                Map.of("approval-before-provision", true))).after(), planned(withChanges()), T0).after();
        Deployment restored = SnapshotCodec.decode(SnapshotCodec.encode(held));
        assertEquals(held, restored);
        assertEquals(Placement.APP_SERVICE, restored.settings().placement().kind());
        assertEquals("plan-new", only(ApplyInfrastructure.class, SM.act(restored, Kind.APPROVE, "lead", null, T0))
                .planId());
    }

    @Test
    void withoutTheGateAPlanWithChangesIsAppliedAtOnce() {
        Transition applying = SM.on(planning("rolling", config()).after(), planned(withChanges()), T0);
        assertEquals(Stage.APPLY, applying.after().stage());
        assertEquals("plan-new", only(ApplyInfrastructure.class, applying).planId());
    }

    @Test
    void abortingAHeldPlanEndsWithNothingCreated() {
        Deployment held = SM.on(planning("blue-green", config("pipeline", Map.of("approval-before-provision", true)))
                .after(), planned(withChanges()), T0).after();
        Transition aborted = SM.act(held, Kind.ABORT, "ops", "not today", T0);
        assertEquals(ROLLED_BACK, aborted.after().status());
        assertEquals(List.of(), commands(aborted));
    }

    @Test
    void anUnansweredApprovalFailsTheDeploymentWithNothingCreated() {
        Deployment held = SM.on(planning("blue-green", config("pipeline", Map.of("approval-before-provision", true,
                "approval-timeout-ms", 1000))).after(), planned(withChanges()), T0).after();
        Transition timedOut = SM.tick(held, held.currentStage().deadline());
        assertEquals(FAILED, timedOut.after().status());
        assertEquals(List.of(), commands(timedOut));
    }

    @Test
    void aBlockedPlanFailsAsAConfigurationErrorAndNothingIsSentAfter() {
        Transition blocked = SM.on(planning("blue-green", config()).after(), planned(blockedPlan()), T0);
        Deployment d = blocked.after();
        assertEquals(FAILED, d.status());
        assertEquals(List.of(), commands(blocked));
        FailureRecord f = d.lastFailure();
        assertEquals(List.of(FailureType.CONFIGURATION_ERROR, FailureAction.STOP, Stage.PLAN, 1),
                List.of(f.type(), f.action(), f.stage(), f.attempt()));
        assertEquals("CONFIGURATION_ERROR", blocked.messages().stream()
                .filter(m -> m instanceof dev.cutover.events.DeploymentEvent.DeploymentStatusChanged).map(m ->
                        ((dev.cutover.events.DeploymentEvent.DeploymentStatusChanged) m).failure().type())
                .findFirst().orElseThrow());
        // the one wording check: the reason names the failed blocking rule and the budget, not the advisory rule
        assertTrue(d.reason().contains("https-only") && d.reason().contains("budget")
                && !d.reason().contains("private-endpoint"), d.reason());
        assertEquals(blockedPlan(), d.infrastructure().plan());
        assertFalse(SM.tick(d, T0.plusSeconds(3600)).changed());
    }

    @Test
    void anApplyTimeoutIsRetriedByTheRecoveryPolicyAndKeepsWhatItCreated() {
        Deployment applying = SM.on(planning("blue-green", config()).after(), planned(withChanges()), T0).after();
        String created = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/serverfarms/shop";
        Transition failed = SM.on(applying, new ProvisioningFailed(meta(), TARGET, null, "apply",
                "operation still running after 600s", FailureCause.TIMEOUT, List.of(created)), T0);
        Deployment waiting = failed.after();
        assertEquals(PROVISIONING, waiting.status());
        assertEquals(Stage.REPLAN, waiting.stage());
        assertEquals(List.of(), commands(failed), "nothing to release: no slot was provisioned");
        FailureRecord f = waiting.lastFailure();
        assertEquals(List.of(FailureType.TIMEOUT, FailureAction.RETRY, Stage.APPLY, 1),
                List.of(f.type(), f.action(), f.stage(), f.attempt()));
        assertEquals(List.of(created), waiting.infrastructure().createdBeforeFailure());
        assertEquals(T0.plusSeconds(1), waiting.currentStage().deadline());

        assertFalse(SM.tick(waiting, T0.plusMillis(999)).changed());
        Transition again = SM.tick(waiting, T0.plusSeconds(1));
        assertEquals(Stage.PLAN, again.after().stage());
        assertEquals(2, again.after().attempt());
        assertInstanceOf(PlanInfrastructure.class, only(PlanInfrastructure.class, again));
        Deployment replanned = SM.on(again.after(), planned(noChanges()), T0).after();
        assertEquals(List.of(created), replanned.infrastructure().createdBeforeFailure(), "kept across the re-plan");
        assertEquals(Stage.PROVISION, replanned.stage());
    }

    @Test
    void aConfigurationFailureOfThePlanStopsWithoutRetries() {
        Transition failed = SM.on(planning("blue-green", config()).after(), new ProvisioningFailed(meta(), TARGET,
                null, "plan", "subscription not found", FailureCause.CONFIGURATION), T0);
        assertEquals(FAILED, failed.after().status());
        assertEquals(List.of(FailureType.CONFIGURATION_ERROR, FailureAction.STOP),
                List.of(failed.after().lastFailure().type(), failed.after().lastFailure().action()));
        assertEquals(List.of(), commands(failed));
    }

    @Test
    void anUnansweredPlanTimesOutAndIsPlannedAgainUntilTheAttemptsRunOut() {
        Deployment d = planning("blue-green", config()).after();
        for (int attempt = 1; attempt <= 3; attempt++) {
            Transition timedOut = SM.tick(d, d.currentStage().deadline());
            assertEquals(FailureType.TIMEOUT, timedOut.after().lastFailure().type());
            if (attempt == 3) {
                assertEquals(FAILED, timedOut.after().status());
                assertEquals(FailureAction.STOP, timedOut.after().lastFailure().action());
                return;
            }
            assertEquals(FailureAction.RETRY, timedOut.after().lastFailure().action());
            d = SM.tick(timedOut.after(), timedOut.after().currentStage().deadline()).after();
            assertEquals(Stage.PLAN, d.stage());
        }
    }

    @Test
    void aStrategyTheTargetKindCannotDoFailsBeforeAnyPlan() {
        Transition refused = planning("rolling", config("target", APP_SERVICE));
        assertEquals(FAILED, refused.after().status());
        assertEquals(List.of(), commands(refused));
        assertEquals(List.of(FailureType.CONFIGURATION_ERROR, FailureAction.STOP, Stage.CONFIG),
                List.of(refused.after().lastFailure().type(), refused.after().lastFailure().action(),
                        refused.after().lastFailure().stage()));
        assertNull(refused.after().infrastructure());

        Transition blueGreen = planning("blue-green", config("target", APP_SERVICE));
        PlanInfrastructure plan = only(PlanInfrastructure.class, blueGreen);
        assertEquals(Placement.APP_SERVICE, plan.placement().kind());
        assertEquals("rg-shop", plan.placement().azure().resourceGroup());
        assertEquals("shop-staging", plan.placement().azure().name(), "named application-environment by default");
        Command decoded = (Command) dev.cutover.events.MessageCodec.decode(dev.cutover.events.MessageCodec.typeName(plan),
                new String(dev.cutover.events.MessageCodec.encode(plan), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(plan, decoded, "what the provisioner reads");
        assertEquals(DeploymentStatus.FAILED, planning("canary", config("target", Map.of("provider", "azure",
                "kind", "scale-set", "azure", APP_SERVICE.get("azure")))).after().status());
    }
}
