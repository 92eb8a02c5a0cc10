package dev.cutover.provisioner.azure.plan;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cutover.azure.standin.ArmExtensions;
import dev.cutover.azure.standin.ArmStandIn;
import dev.cutover.azure.standin.Call;
import dev.cutover.azure.standin.Fault;
import dev.cutover.events.HealthMonitorEvent.Outcome;
import dev.cutover.events.InfrastructurePlan;
import dev.cutover.events.InfrastructurePlan.Action;
import dev.cutover.events.InfrastructurePlan.HardeningResult;
import dev.cutover.events.InfrastructurePlan.PropertyChange;
import dev.cutover.events.InfrastructurePlan.ResourceChange;
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
import dev.cutover.provisioner.azure.AzureClients;
import dev.cutover.provisioner.plan.CostEstimator;
import dev.cutover.provisioner.plan.PlanningService;
import dev.cutover.provisioner.plan.PriceTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Azure plan with the real Azure SDK against the ARM stand-in: what is created on an empty subscription, that a
 * second plan after the apply has nothing to do (and its apply sends no PUT), an update with its property change,
 * hardening and budget blocking before any PUT, and ARM's faults at apply classified with what had been created.
 */
class AzurePlannerTest {

    private static final String SUB = "00000000-0000-0000-0000-0000000000aa";
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(2);
    private static final Policy NO_POLICY = new Policy(null, null);
    private static final Policy PRODUCTION_POLICY = new Policy(List.of("https-only", "min-tls-1.2", "ftps-disabled",
            "managed-identity", "secrets-as-key-vault-references", "inbound-443-only", "private-endpoint",
            "diagnostics-enabled"), 2500.0);
    private static final RouterSecurity PRODUCTION_SECURITY = new RouterSecurity(true, true,
            "default-src 'self'; frame-ancestors 'none'");

    private static ArmStandIn arm;
    private static PlanningService service;

    @BeforeAll
    static void start() {
        arm = ArmStandIn.start();
        ArmExtensions.install(arm);
        AzureClients clients = new AzureClients(AzureClients.unauthenticated(new JdkHttpClientBuilder().build(),
                AzureClients.retryPolicy(2, Duration.ofMillis(20), Duration.ofSeconds(5))),
                AzureClients.environment(arm.url()), "tenant", SUB, OPERATION_TIMEOUT, Duration.ofMillis(20));
        service = new PlanningService(List.of(new AzurePlanner(sub -> new SdkArmResources(clients, sub),
                new CostEstimator(PriceTable.load()), null)));
    }

    @AfterAll
    static void stop() {
        arm.close();
    }

    @AfterEach
    void clearFaults() {
        arm.faults().clear();
        arm.clearLongRunning();
    }

    /** Production-like: Standard_D4s_v3 ×3, autoscale 3–10 at 70 %, Standard_GRS 100 GB, private endpoint, diagnostics. */
    private static Placement production(String group, String size) {
        arm.put("/subscriptions/" + SUB + "/resourceGroups/shared/providers/Microsoft.KeyVault/vaults/shop-vault",
                ArmStandIn.JSON.createObjectNode().put("location", "westeurope"));
        return new Placement(Placement.AZURE, Placement.APP_SERVICE,
                new Infrastructure(size, 3, new Autoscale(3, 10, 70), 100, "Standard_GRS"),
                new Network(List.of(443), true), true, new Placement.Azure(SUB, group, "westeurope", "shop-prod",
                "/subscriptions/" + SUB + "/resourceGroups/shared/providers/Microsoft.KeyVault/vaults/shop-vault"));
    }

    private static final Map<String, String> APP_ENV = Map.of("LOG_LEVEL", "warn", "DB_PASSWORD",
            "secret://db-password", "HOT_RELOAD", "false");

    @Test
    void anEmptySubscriptionGetsEveryResourceCreatedAndPlanningWritesNothing() throws Exception {
        Target target = target();
        Placement placement = production("rg-shop-production", "Standard_D4s_v3");
        int mark = arm.calls().size();

        InfrastructurePlan plan = plan(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY);

        assertEquals(List.of("Microsoft.Resources/resourceGroups", "Microsoft.ManagedIdentity/userAssignedIdentities",
                "Microsoft.Authorization/roleAssignments", "Microsoft.Storage/storageAccounts",
                "Microsoft.Network/networkSecurityGroups", "Microsoft.Network/virtualNetworks",
                "Microsoft.Web/serverfarms", "Microsoft.Web/sites", "Microsoft.Insights/autoscalesettings", "Microsoft.Network/privateEndpoints",
                "Microsoft.Insights/diagnosticSettings"), plan.changes().stream().map(ResourceChange::type).toList());
        assertTrue(plan.changes().stream().allMatch(c -> c.action() == Action.CREATE));
        assertEquals("P2v3", property(plan, "Microsoft.Web/serverfarms", "sku.name").to());
        assertEquals("3", property(plan, "Microsoft.Web/serverfarms", "sku.capacity").to());
        assertEquals("Standard_GRS", property(plan, "Microsoft.Storage/storageAccounts", "sku.name").to());
        assertTrue(plan.changes().stream().noneMatch(c -> c.type().equals("Microsoft.Web/sites/config")),
                "the version's app settings are not infrastructure: they go to the staging slot with it");
        assertEquals("10", property(plan, "Microsoft.Insights/autoscalesettings",
                "properties.profiles[cpu].capacity.maximum").to());
        assertTrue(plan.hardening().stream().allMatch(h -> h.outcome() == Outcome.PASS), plan.hardening()::toString);
        assertFalse(plan.blocked());
        assertEquals(List.of(), writes(mark), "planning never writes");

        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/production-plan.json"), new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(plan));
    }

    @Test
    void afterTheApplyTheSamePlanHasNoChangesAndItsApplyCreatesNothing() {
        Target target = target();
        Placement placement = production(group(), "Standard_D4s_v3");
        InfrastructurePlan first = plan(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY);

        InfrastructureApplied applied = apply(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY,
                first.id());
        assertEquals(first.changes().stream().map(ResourceChange::resourceId).toList(), applied.created());
        assertTrue(applied.updated().isEmpty());
        assertTrue(arm.exists(placement.azure().resourceGroup().isEmpty() ? "" : new AzureNames(SUB,
                placement.azure().resourceGroup(), "westeurope", "shop-prod", null).site()));

        int mark = arm.calls().size();
        InfrastructurePlan second = plan(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY);
        assertTrue(second.noChanges(), () -> second.changes().stream().filter(c -> c.action() != Action.UNCHANGED)
                .toList().toString());
        InfrastructureApplied again = apply(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY,
                second.id());
        assertTrue(again.created().isEmpty() && again.updated().isEmpty());
        assertEquals(List.of(), writes(mark), "nothing to change: no PUT");
    }

    @Test
    void aChangedInstanceSizeIsAnUpdateOfThePlanSku() {
        Target target = target();
        String group = group();
        Placement small = production(group, "Standard_D2s_v3");
        apply(target, small, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY,
                plan(target, small, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY).id());

        Placement large = production(group, "Standard_D4s_v3");
        InfrastructurePlan plan = plan(target, large, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY);
        ResourceChange farm = change(plan, "Microsoft.Web/serverfarms");
        assertEquals(Action.UPDATE, farm.action());
        assertTrue(farm.properties().contains(new PropertyChange("sku.name", "P1v3", "P2v3")), farm::toString);
        assertEquals(List.of(Action.UPDATE), plan.changes().stream().map(ResourceChange::action)
                .filter(a -> a != Action.UNCHANGED).toList(), "only the plan changes");

        InfrastructureApplied applied = apply(target, large, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY,
                plan.id());
        assertEquals(List.of(farm.resourceId()), applied.updated());
        assertEquals("P2v3", arm.resource(farm.resourceId()).orElseThrow().path("sku").path("name").asText());
        assertEquals(3, arm.resource(farm.resourceId()).orElseThrow().path("sku").path("capacity").asInt(),
                "the capacity under autoscale is left alone");
    }

    @Test
    void aFailedBlockingRuleBlocksAndNothingIsWritten() {
        Target target = target();
        Placement base = production(group(), "Standard_D4s_v3");
        Placement open = new Placement(base.provider(), base.kind(), base.infrastructure(),
                new Network(List.of(443, 22), true), true, base.azure());
        Map<String, String> literal = Map.of("DB_PASSWORD", "hunter2", "LOG_LEVEL", "warn");
        int mark = arm.calls().size();

        InfrastructurePlan plan = plan(target, open, literal, PRODUCTION_SECURITY, PRODUCTION_POLICY);
        assertEquals(Outcome.FAIL, rule(plan, "secrets-as-key-vault-references").outcome());
        assertEquals(Outcome.FAIL, rule(plan, "inbound-443-only").outcome());
        assertTrue(rule(plan, "inbound-443-only").blocking());
        assertTrue(plan.blocked());
        assertFalse(plan.changes().toString().contains("hunter2"), "a literal secret is never in the plan");

        ProvisioningFailed refused = failedApply(target, open, literal, PRODUCTION_SECURITY, PRODUCTION_POLICY,
                plan.id());
        assertEquals(FailureCause.CONFIGURATION, refused.cause());
        assertEquals(List.of(), writes(mark), "no PUT at plan time, none for a blocked apply");
    }

    @Test
    void productionWithoutAPrivateEndpointFailsThatRule() {
        Placement base = production(group(), "Standard_D4s_v3");
        Placement noPe = new Placement(base.provider(), base.kind(), base.infrastructure(),
                new Network(List.of(443), false), true, base.azure());

        InfrastructurePlan plan = plan(target(), noPe, APP_ENV, new RouterSecurity(false, false, null),
                PRODUCTION_POLICY);
        assertEquals(Outcome.FAIL, rule(plan, "private-endpoint").outcome());
        assertEquals(Outcome.FAIL, rule(plan, "https-only").outcome());
        assertTrue(plan.blocked());
    }

    @Test
    void anEstimateOverTheBudgetBlocks() {
        Target target = target();
        Placement placement = production(group(), "Standard_D4s_v3");
        Policy tight = new Policy(List.of(), 500.0);

        InfrastructurePlan plan = plan(target, placement, APP_ENV, PRODUCTION_SECURITY, tight);
        assertTrue(plan.cost().overBudget());
        assertEquals(500.0, plan.cost().monthlyLimit());
        assertTrue(plan.cost().monthlyTotal() > 500.0);
        assertTrue(plan.blocked());
        assertEquals(FailureCause.CONFIGURATION, failedApply(target, placement, APP_ENV, PRODUCTION_SECURITY, tight,
                plan.id()).cause());
    }

    @Test
    void aPlanWhoseInputChangedSinceReviewIsRefused() {
        Target target = target();
        Placement placement = production(group(), "Standard_D4s_v3");
        String reviewed = plan(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY).id();
        int mark = arm.calls().size();

        Placement resized = production(placement.azure().resourceGroup(), "Standard_D2s_v3");
        ProvisioningFailed refused = failedApply(target, resized, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY,
                reviewed);
        assertEquals(FailureCause.CONFIGURATION, refused.cause());
        assertEquals(List.of(), writes(mark));
    }

    @Test
    void aConflictStopsTheApplyAndSaysWhatWasCreated() {
        Target target = target();
        Placement placement = production(group(), "Standard_D4s_v3");
        InfrastructurePlan plan = plan(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY);
        arm.faults().next("PUT", "/serverfarms/", Fault.conflict());

        ProvisioningFailed failed = failedApply(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY,
                plan.id());
        assertEquals(FailureCause.INFRASTRUCTURE, failed.cause());
        assertEquals(idsBefore(plan, "Microsoft.Web/serverfarms"), failed.createdResources());
        assertTrue(failed.createdResources().stream().allMatch(arm::exists));

        // the next plan shows them unchanged and only creates the rest
        InfrastructurePlan next = plan(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY);
        assertEquals(failed.createdResources(), next.changes().stream().filter(c -> c.action() == Action.UNCHANGED)
                .map(ResourceChange::resourceId).toList());
    }

    @Test
    void aThrottledCallIsRetriedAfterRetryAfter() {
        Target target = target();
        Placement placement = production(group(), "Standard_D4s_v3");
        InfrastructurePlan plan = plan(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY);
        arm.faults().next("PUT", "/storageAccounts/", Fault.throttled(Duration.ofSeconds(1)));
        int mark = arm.calls().size();

        InfrastructureApplied applied = apply(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY,
                plan.id());
        assertEquals(plan.changes().size(), applied.created().size());
        List<Call> storagePuts = arm.calls().since(mark).stream()
                .filter(c -> c.method().equals("PUT") && c.path().contains("/storageAccounts/")).toList();
        assertEquals(List.of(429, 201), storagePuts.stream().map(Call::status).toList());
        assertTrue(Duration.between(storagePuts.get(0).at(), storagePuts.get(1).at()).toMillis() >= 950,
                "waited what Retry-After asked");
    }

    @Test
    void aServerErrorThatOutlastsTheRetriesIsAnInfrastructureFailure() {
        Target target = target();
        Placement placement = production(group(), "Standard_D4s_v3");
        InfrastructurePlan plan = plan(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY);
        arm.faults().next("PUT", "/providers/Microsoft.Web/sites/[^/]+$", Fault.serverError().always());

        ProvisioningFailed failed = failedApply(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY,
                plan.id());
        assertEquals(FailureCause.INFRASTRUCTURE, failed.cause());
        assertEquals(idsBefore(plan, "Microsoft.Web/sites"), failed.createdResources());
    }

    @Test
    void anOperationThatNeverFinishesIsATimeout() {
        Target target = target();
        Placement placement = production(group(), "Standard_D4s_v3");
        InfrastructurePlan plan = plan(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY);
        arm.faults().next("PUT", "/providers/Microsoft.Web/sites/[^/]+$", Fault.neverFinishing());

        ProvisioningFailed failed = failedApply(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY,
                plan.id());
        assertEquals(FailureCause.TIMEOUT, failed.cause());
        assertEquals(idsBefore(plan, "Microsoft.Web/sites"), failed.createdResources());
    }

    @Test
    void anUnauthorizedCallIsAConfigurationFailureWithNothingCreated() {
        Target target = target();
        Placement placement = production(group(), "Standard_D4s_v3");
        InfrastructurePlan plan = plan(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY);
        arm.faults().next("PUT", "/resourceGroups/[^/]+$", Fault.unauthorized());

        ProvisioningFailed failed = failedApply(target, placement, APP_ENV, PRODUCTION_SECURITY, PRODUCTION_POLICY,
                plan.id());
        assertEquals(FailureCause.CONFIGURATION, failed.cause());
        assertEquals(List.of(), failed.createdResources());
    }

    @Test
    void aScaleSetIsPlannedWithItsSizeCountAndAutoscale() {
        Target target = target();
        Placement placement = new Placement(Placement.AZURE, Placement.SCALE_SET,
                new Infrastructure("Standard_D2s_v3", 2, new Autoscale(2, 4, 60), 10, "Standard_LRS"), null, false,
                new Placement.Azure(SUB, group(), "eastus", "shop-staging", null));

        InfrastructurePlan plan = plan(target, placement, Map.of(), null, NO_POLICY);
        assertEquals("Standard_D2s_v3", property(plan, "Microsoft.Compute/virtualMachineScaleSets", "sku.name").to());
        assertEquals("2", property(plan, "Microsoft.Compute/virtualMachineScaleSets", "sku.capacity").to());
        assertEquals(change(plan, "Microsoft.Compute/virtualMachineScaleSets").resourceId(),
                property(plan, "Microsoft.Insights/autoscalesettings", "properties.targetResourceUri").to());
        assertEquals(Outcome.SKIPPED, rule(plan, "ftps-disabled").outcome());
        assertEquals(2 * 730 * 0.096 + 10 * 0.0184, plan.cost().monthlyTotal(), 0.01);

        InfrastructureApplied applied = apply(target, placement, Map.of(), null, NO_POLICY, plan.id());
        assertEquals(plan.changes().size(), applied.created().size());
        assertTrue(plan(target, placement, Map.of(), null, NO_POLICY).noChanges());
    }

    // ---

    private static Target target() {
        return new Target("shop", "production");
    }

    private static String group() {
        return "rg-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static InfrastructurePlan plan(Target target, Placement placement, Map<String, String> env,
                                           RouterSecurity security, Policy policy) {
        ProvisionerEvent event = service.handle(new PlanInfrastructure(Meta.start("d-" + UUID.randomUUID()), target,
                placement, env, security, policy));
        return assertInstanceOf(InfrastructurePlanned.class, event, event::toString).plan();
    }

    private static InfrastructureApplied apply(Target target, Placement placement, Map<String, String> env,
                                               RouterSecurity security, Policy policy, String planId) {
        ProvisionerEvent event = service.handle(new ApplyInfrastructure(Meta.start("d-" + UUID.randomUUID()), target,
                placement, env, security, policy, planId));
        return assertInstanceOf(InfrastructureApplied.class, event, event::toString);
    }

    private static ProvisioningFailed failedApply(Target target, Placement placement, Map<String, String> env,
                                                  RouterSecurity security, Policy policy, String planId) {
        ProvisionerEvent event = service.handle(new ApplyInfrastructure(Meta.start("d-" + UUID.randomUUID()), target,
                placement, env, security, policy, planId));
        ProvisioningFailed failed = assertInstanceOf(ProvisioningFailed.class, event, event::toString);
        assertEquals("apply", failed.operation());
        return failed;
    }

    private static List<String> writes(int mark) {
        return arm.calls().since(mark).stream().filter(c -> !c.method().equals("GET") && !c.isPoll()
                && !(c.method().equals("POST") && c.path().endsWith("/list"))).map(Call::line).toList();
    }

    private static List<String> idsBefore(InfrastructurePlan plan, String type) {
        List<String> ids = plan.changes().stream().map(ResourceChange::resourceId).toList();
        return ids.subList(0, ids.indexOf(change(plan, type).resourceId()));
    }

    private static ResourceChange change(InfrastructurePlan plan, String type) {
        return plan.changes().stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
    }

    private static PropertyChange property(InfrastructurePlan plan, String type, String path) {
        return change(plan, type).properties().stream().filter(p -> p.property().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError(path + " not in " + change(plan, type)));
    }

    private static HardeningResult rule(InfrastructurePlan plan, String name) {
        return plan.hardening().stream().filter(r -> r.rule().equals(name)).findFirst().orElseThrow();
    }
}
