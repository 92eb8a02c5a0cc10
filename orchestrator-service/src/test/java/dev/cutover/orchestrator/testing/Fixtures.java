package dev.cutover.orchestrator.testing;

import dev.cutover.events.ConfigEvent.ConfigRejected;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Event;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.HealthMonitorEvent.Outcome;
import dev.cutover.events.InfrastructurePlan;
import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerEvent.InfrastructureApplied;
import dev.cutover.events.ProvisionerEvent.InfrastructurePlanned;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.engine.DeploymentStateMachine;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.SlotPlan;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.Transition;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Agent events and deployments in a given status, for the state machine tests. */
public final class Fixtures {

    public static final String ID = "d-1";
    public static final Target TARGET = new Target("shop", "staging");
    public static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    public static final String URL = "http://127.0.0.1:40123";

    private Fixtures() {
    }

    public static Meta meta() {
        return new Meta("m-" + System.nanoTime(), ID, "c-1", null, T0);
    }

    /** Retries off (recovery.max-attempts 1): the tables here describe a single attempt; see RecoveryTest. */
    public static Map<String, Object> config() {
        return Map.of("router", Map.of("port", 18080),
                "app", Map.of("env", Map.of("GREETING", "hi", "WORKERS", 4)),
                "health", Map.of("max-wait-ms", 10000, "monitor-window-ms", 2000),
                "recovery", Map.of("max-attempts", 1));
    }

    public static ConfigResolved configResolved() {
        return new ConfigResolved(meta(), TARGET, "sha256:ab12", config());
    }

    public static ConfigResolved configResolved(Map<String, Object> config) {
        return new ConfigResolved(meta(), TARGET, "sha256:ab12", config);
    }

    /** The provisioner's plan: nothing to create or change (the local provider's, or a second run on Azure). */
    public static InfrastructurePlan noChanges() {
        return new InfrastructurePlan("plan-same", Placement.LOCAL, Placement.PROCESS, List.of(), List.of(), null,
                List.of(new InfrastructurePlan.UnhonouredKey("infrastructure.instance-size", "local processes")),
                false);
    }

    /** A plan that creates an App Service plan, with its hardening outcomes and cost. */
    public static InfrastructurePlan withChanges() {
        return new InfrastructurePlan("plan-new", Placement.AZURE, Placement.APP_SERVICE, List.of(
                new InfrastructurePlan.ResourceChange("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/serverfarms/shop",
                        "Microsoft.Web/serverfarms", InfrastructurePlan.Action.CREATE,
                        List.of(new InfrastructurePlan.PropertyChange("sku", null, "P1v3"))),
                new InfrastructurePlan.ResourceChange("/subscriptions/s/resourceGroups/rg", "Microsoft.Resources/resourceGroups",
                        InfrastructurePlan.Action.UNCHANGED, List.of())),
                List.of(new InfrastructurePlan.HardeningResult("https-only", Outcome.PASS, true, "httpsOnly set")),
                new InfrastructurePlan.CostEstimate("USD", 124.1, "2026-11-01", List.of(), 1500.0, false),
                List.of(), false);
    }

    /** A plan whose blocking rule failed and whose estimate is over budget. */
    public static InfrastructurePlan blockedPlan() {
        InfrastructurePlan p = withChanges();
        return new InfrastructurePlan("plan-blocked", p.provider(), p.kind(), p.changes(), List.of(
                new InfrastructurePlan.HardeningResult("https-only", Outcome.FAIL, true, "httpsOnly off"),
                new InfrastructurePlan.HardeningResult("private-endpoint", Outcome.FAIL, false, "none"),
                new InfrastructurePlan.HardeningResult("min-tls-1.2", Outcome.PASS, true, "1.2")),
                new InfrastructurePlan.CostEstimate("USD", 2400, "2026-11-01", List.of(), 1500.0, true),
                List.of(), true);
    }

    public static InfrastructurePlanned planned(InfrastructurePlan plan) {
        return new InfrastructurePlanned(meta(), TARGET, plan);
    }

    public static InfrastructureApplied applied(String planId) {
        return new InfrastructureApplied(meta(), TARGET, planId, List.of("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/serverfarms/shop"),
                List.of());
    }

    /** The configuration resolved, then a plan without changes: the transition into the strategy's first step. */
    public static Transition configured(DeploymentStateMachine sm, Deployment configuring, ConfigResolved resolved) {
        Deployment planning = sm.on(configuring, resolved, T0).after();
        return sm.on(planning, planned(noChanges()), T0);
    }

    public static ConfigRejected configRejected() {
        return new ConfigRejected(meta(), TARGET, "unknown environment staging");
    }

    public static SlotProvisioned provisioned(String slot) {
        return new SlotProvisioned(meta(), TARGET, slot, "2.0.0", URL, "i-1");
    }

    public static ProvisioningFailed provisioningFailed(String operation, String slot) {
        return new ProvisioningFailed(meta(), TARGET, slot, operation, "boom");
    }

    public static HealthCheckCompleted health(String phase, String slot, boolean passed) {
        return new HealthCheckCompleted(meta(), TARGET, slot, phase, passed, passed ? null : "/health answered 500",
                3, List.of());
    }

    public static TrafficShifted shifted(String reason, Object... slotWeight) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (int i = 0; i < slotWeight.length; i += 2) {
            weights.put((String) slotWeight[i], (Integer) slotWeight[i + 1]);
        }
        return new TrafficShifted(meta(), TARGET, weights, "http://127.0.0.1:18080", reason);
    }

    public static SlotReleased released(String slot, String reason) {
        return new SlotReleased(meta(), TARGET, slot, reason);
    }

    public static RollbackCompleted rollbackCompleted() {
        return new RollbackCompleted(meta(), TARGET, "blue", 40, 120);
    }

    public static RollbackFailed rollbackFailed() {
        return new RollbackFailed(meta(), TARGET, "router unreachable");
    }

    /** A new deployment: "green" over a stable "blue" running 1.0.0, or the target's first ("blue", no stable). */
    public static Deployment pending(DeploymentStateMachine sm, boolean first) {
        SlotPlan plan = first ? new SlotPlan("blue", null, null) : new SlotPlan("green", "blue", "1.0.0");
        DeploymentRequest request = new DeploymentRequest("shop", "staging", "2.0.0", "file:/apps/shop.jar",
                "blue-green", Map.of());
        return sm.accept(ID, "c-1", request, plan, null, T0).after();
    }

    /**
     * Drives a deployment along the happy path until it is in {@code status}. CLEANING_UP is the success
     * cleanup (releasing the stable slot); ROLLING_BACK follows a failed post-switch check.
     */
    public static Deployment in(DeploymentStateMachine sm, DeploymentStatus status, boolean first) {
        if (status == DeploymentStatus.ROLLING_BACK) {
            Deployment monitoring = in(sm, DeploymentStatus.MONITORING, first);
            return sm.on(monitoring, health("post-switch", monitoring.slot(), false), T0).after();
        }
        Deployment d = pending(sm, first);
        String slot = d.slot();
        List<Event> path = List.of(configResolved(), planned(noChanges()), provisioned(slot), health("pre-switch", slot, true),
                first ? shifted("switch", slot, 100) : shifted("switch", slot, 100, "blue", 0),
                health("post-switch", slot, true), released("blue", "cleanup"));
        if (status == DeploymentStatus.PENDING) {
            return d;
        }
        d = sm.start(d, T0).after();
        for (Event e : path) {
            if (d.status() == status && !Stage.PLAN.equals(d.stage())) {
                return d;
            }
            d = sm.on(d, e, T0).after();
        }
        if (d.status() != status) {
            throw new IllegalArgumentException("happy path does not pass " + status + " (first=" + first + ")");
        }
        return d;
    }
}
