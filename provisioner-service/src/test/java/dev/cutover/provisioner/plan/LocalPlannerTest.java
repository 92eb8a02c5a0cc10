package dev.cutover.provisioner.plan;

import dev.cutover.events.HealthMonitorEvent.Outcome;
import dev.cutover.events.InfrastructurePlan;
import dev.cutover.events.InfrastructurePlan.HardeningResult;
import dev.cutover.events.InfrastructurePlan.UnhonouredKey;
import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.Placement.Autoscale;
import dev.cutover.events.Placement.Infrastructure;
import dev.cutover.events.Placement.Network;
import dev.cutover.events.ProvisionerCommand.ApplyInfrastructure;
import dev.cutover.events.ProvisionerCommand.PlanInfrastructure;
import dev.cutover.events.ProvisionerCommand.Policy;
import dev.cutover.events.ProvisionerCommand.RouterSecurity;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.ProvisionerEvent.InfrastructureApplied;
import dev.cutover.events.ProvisionerEvent.InfrastructurePlanned;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.Target;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local plan: no resources, no cost, the keys local processes do not act on, and an apply that does nothing. */
class LocalPlannerTest {

    private static final Target PRODUCTION = new Target("shop", "production");
    private static final Placement PRODUCTION_LIKE = new Placement(Placement.LOCAL, Placement.PROCESS,
            new Infrastructure("Standard_D4s_v3", 3, new Autoscale(3, 10, 70), 100, "Standard_GRS"),
            new Network(List.of(443), true), true, null);
    private static final RouterSecurity SECURE = new RouterSecurity(true, true, "default-src 'self'");

    private final PlanningService service = new PlanningService(
            List.of(new LocalPlanner(new CostEstimator(PriceTable.load()))));

    @Test
    void listsWhatLocalProcessesDoNotHonourAndNothingElse() {
        InfrastructurePlan plan = plan(PRODUCTION_LIKE, Map.of("LOG_LEVEL", "warn"), SECURE, new Policy(null, null));

        assertEquals(Placement.LOCAL, plan.provider());
        assertTrue(plan.changes().isEmpty());
        assertTrue(plan.noChanges());
        assertEquals(List.of("infrastructure.instance-size", "infrastructure.autoscale.*", "infrastructure.storage-gb",
                "infrastructure.storage-redundancy", "network.inbound-ports", "network.private-endpoint",
                "diagnostics.enabled"), plan.unhonoured().stream().map(UnhonouredKey::key).toList());
        assertTrue(plan.unhonoured().stream().allMatch(k -> !k.reason().isBlank()));
        assertEquals(0, plan.cost().monthlyTotal());
        assertEquals(PriceTable.load().date(), plan.cost().priceTableDate());
        assertFalse(plan.blocked());
    }

    @Test
    void aPlainLocalPlacementHonoursEverything() {
        InfrastructurePlan plan = plan(Placement.local(2), Map.of(), null, new Policy(null, null));

        assertTrue(plan.unhonoured().isEmpty());
    }

    @Test
    void azureSettingsOnALocalTargetAreNotHonoured() {
        Placement placement = new Placement(Placement.LOCAL, Placement.PROCESS, new Infrastructure(null, 1, null, null,
                null), null, false, new Placement.Azure("sub", "rg", "westeurope", null, null));

        assertEquals(List.of("target.azure.*"), plan(placement, Map.of(), null, new Policy(null, null)).unhonoured()
                .stream().map(UnhonouredKey::key).toList());
    }

    @Test
    void routerAndSecretRulesAreJudgedTheCloudOnesSkipped() {
        InfrastructurePlan plan = plan(Placement.local(1), Map.of("DB_PASSWORD", "hunter2", "API_TOKEN",
                "secret://api-token"), new RouterSecurity(false, false, null), new Policy(null, null));

        assertEquals(Outcome.FAIL, rule(plan, "https-only").outcome());
        HardeningResult secrets = rule(plan, "secrets-as-key-vault-references");
        assertEquals(Outcome.FAIL, secrets.outcome());
        assertTrue(secrets.reason().contains("DB_PASSWORD"));
        assertFalse(secrets.reason().contains("hunter2"), "a literal value never reaches the plan");
        for (String skipped : List.of("min-tls-1.2", "ftps-disabled", "managed-identity", "inbound-443-only",
                "private-endpoint", "diagnostics-enabled")) {
            assertEquals(Outcome.SKIPPED, rule(plan, skipped).outcome(), skipped);
        }
        assertFalse(plan.blocked(), "nothing blocks without a policy");
    }

    @Test
    void aFailedBlockingRuleBlocks() {
        InfrastructurePlan plan = plan(Placement.local(1), Map.of(), new RouterSecurity(false, false, null),
                new Policy(List.of("https-only", "private-endpoint"), null));

        assertTrue(rule(plan, "https-only").blocking());
        assertTrue(plan.blocked());
        assertFalse(plan(Placement.local(1), Map.of(), SECURE, new Policy(List.of("https-only", "private-endpoint"),
                null)).blocked(), "a skipped rule does not block");
    }

    @Test
    void anUnknownBlockingRuleIsAConfigurationError() {
        ProvisionerEvent event = service.handle(new PlanInfrastructure(Meta.start("d-1"), PRODUCTION,
                Placement.local(1), Map.of(), null, new Policy(List.of("https-onyl"), null)));

        ProvisioningFailed failed = assertInstanceOf(ProvisioningFailed.class, event);
        assertEquals("plan", failed.operation());
        assertEquals(FailureCause.CONFIGURATION, failed.cause());
    }

    @Test
    void theSameRequestHasTheSameIdAndAnyChangeAnother() {
        Policy none = new Policy(null, null);
        String id = plan(PRODUCTION_LIKE, Map.of("A", "1"), SECURE, none).id();

        assertEquals(id, plan(PRODUCTION_LIKE, Map.of("A", "1"), SECURE, none).id());
        assertFalse(id.equals(plan(PRODUCTION_LIKE, Map.of("A", "2"), SECURE, none).id()));
        assertFalse(id.equals(plan(Placement.local(4), Map.of("A", "1"), SECURE, none).id()));
    }

    @Test
    void applyOfTheReviewedPlanDoesNothingAndAChangedOneIsRefused() {
        Policy none = new Policy(null, null);
        String id = plan(PRODUCTION_LIKE, Map.of(), SECURE, none).id();

        InfrastructureApplied applied = assertInstanceOf(InfrastructureApplied.class, service.handle(
                new ApplyInfrastructure(Meta.start("d-1"), PRODUCTION, PRODUCTION_LIKE, Map.of(), SECURE, none, id)));
        assertEquals(id, applied.planId());
        assertTrue(applied.created().isEmpty());
        assertTrue(applied.updated().isEmpty());

        ProvisioningFailed refused = assertInstanceOf(ProvisioningFailed.class, service.handle(
                new ApplyInfrastructure(Meta.start("d-1"), PRODUCTION, Placement.local(5), Map.of(), SECURE, none, id)));
        assertEquals("apply", refused.operation());
        assertEquals(FailureCause.CONFIGURATION, refused.cause());
        assertTrue(refused.createdResources().isEmpty());
    }

    @Test
    void aPlacementOfAProviderWithoutPlannerIsAConfigurationError() {
        Placement azure = new Placement(Placement.AZURE, Placement.APP_SERVICE, new Infrastructure(null, 1, null, null,
                null), null, false, null);
        ProvisioningFailed failed = assertInstanceOf(ProvisioningFailed.class, service.handle(new PlanInfrastructure(
                Meta.start("d-1"), PRODUCTION, azure, Map.of(), null, new Policy(null, null))));

        assertEquals(FailureCause.CONFIGURATION, failed.cause());
    }

    private InfrastructurePlan plan(Placement placement, Map<String, String> env, RouterSecurity security,
                                    Policy policy) {
        ProvisionerEvent event = service.handle(new PlanInfrastructure(Meta.start("d-1"), PRODUCTION, placement, env,
                security, policy));
        return assertInstanceOf(InfrastructurePlanned.class, event, event::toString).plan();
    }

    private static HardeningResult rule(InfrastructurePlan plan, String name) {
        return plan.hardening().stream().filter(r -> r.rule().equals(name)).findFirst().orElseThrow();
    }
}
