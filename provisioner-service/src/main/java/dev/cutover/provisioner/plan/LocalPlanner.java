package dev.cutover.provisioner.plan;

import dev.cutover.events.InfrastructurePlan;
import dev.cutover.events.InfrastructurePlan.HardeningResult;
import dev.cutover.events.InfrastructurePlan.UnhonouredKey;
import dev.cutover.events.Placement;
import dev.cutover.events.Placement.Infrastructure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Local processes need no infrastructure: the plan has no resources and costs nothing, and an apply has nothing to
 * do. What it does say is which configuration keys the local provider does not act on (a VM size means nothing to a
 * process on this machine), so an environment's settings are never silently decorative. It honours
 * {@code infrastructure.instance-count} (instances per slot), {@code application.*} (the instance's environment
 * variables) and {@code security.https-only / hsts / csp} (the router's redirect and headers): those are not listed.
 */
public class LocalPlanner implements InfrastructurePlanner {

    private static final String WHERE = "a local process";

    private final CostEstimator costs;

    public LocalPlanner(CostEstimator costs) {
        this.costs = costs;
    }

    @Override
    public String provider() {
        return Placement.LOCAL;
    }

    @Override
    public InfrastructurePlan plan(PlanRequest request) throws PlanningException {
        Placement placement = request.placement();
        List<UnhonouredKey> unhonoured = unhonoured(placement);
        Posture posture = new Posture(WHERE,
                request.security() == null ? null : request.security().httpsOnly(),
                null, null, null, request.environment(), null, null, null);
        List<HardeningResult> hardening = HardeningRules.evaluate(posture, request.policy(), request.production());
        Map<String, Object> desired = new LinkedHashMap<>();
        desired.put("provider", Placement.LOCAL);
        desired.put("kind", Placement.PROCESS);
        desired.put("instanceCount", placement.infrastructure() == null ? 1 : placement.infrastructure().instanceCount());
        desired.put("environment", request.environment());
        desired.put("security", request.security());
        return new InfrastructurePlan(PlanId.of(desired), Placement.LOCAL, Placement.PROCESS, List.of(), hardening,
                costs.none(request.policy().monthlyLimit()), unhonoured, HardeningRules.blocks(hardening));
    }

    @Override
    public Applied apply(PlanRequest request, String planId) throws PlanningException {
        InfrastructurePlan plan = plan(request);
        if (!plan.id().equals(planId)) {
            throw PlanningException.configuration("plan " + PlanId.shortId(planId) + " is no longer the plan (now "
                    + PlanId.shortId(plan.id()) + "): the configuration changed since it was reviewed");
        }
        if (plan.blocked()) {
            throw PlanningException.configuration("plan " + PlanId.shortId(planId) + " is blocked by its hardening");
        }
        return new Applied(List.of(), List.of());
    }

    /** The keys set in {@code placement} that local processes do not act on, each with why. */
    static List<UnhonouredKey> unhonoured(Placement placement) {
        List<UnhonouredKey> keys = new ArrayList<>();
        Infrastructure infra = placement.infrastructure();
        if (infra != null) {
            if (infra.instanceSize() != null) {
                keys.add(new UnhonouredKey("infrastructure.instance-size",
                        "every local instance is a JVM process on this machine: there is no machine size to choose"));
            }
            if (infra.autoscale() != null) {
                keys.add(new UnhonouredKey("infrastructure.autoscale.*",
                        "local instances are not scaled on CPU: a slot runs infrastructure.instance-count instances"));
            }
            if (infra.storageGb() != null) {
                keys.add(new UnhonouredKey("infrastructure.storage-gb",
                        "local instances use the provisioner's work directory: no storage account is sized"));
            }
            if (infra.storageRedundancy() != null) {
                keys.add(new UnhonouredKey("infrastructure.storage-redundancy",
                        "the local disk is not replicated: there is no storage redundancy to choose"));
            }
        }
        if (placement.network() != null) {
            if (!placement.network().inboundPorts().isEmpty()) {
                keys.add(new UnhonouredKey("network.inbound-ports",
                        "local instances and the router listen on this machine's ports: no network rules are made"));
            }
            if (placement.network().privateEndpoint()) {
                keys.add(new UnhonouredKey("network.private-endpoint",
                        "local instances have no virtual network: there is no private endpoint to make"));
            }
        }
        if (placement.diagnostics()) {
            keys.add(new UnhonouredKey("diagnostics.enabled",
                    "local instances log to files under the provisioner's work directory: no diagnostic settings"));
        }
        if (placement.azure() != null) {
            keys.add(new UnhonouredKey("target.azure.*", "the target's provider is local: no Azure subscription is used"));
        }
        return keys;
    }
}
