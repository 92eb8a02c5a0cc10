package dev.cutover.provisioner.azure.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.events.InfrastructurePlan;
import dev.cutover.events.InfrastructurePlan.Action;
import dev.cutover.events.InfrastructurePlan.CostEstimate;
import dev.cutover.events.InfrastructurePlan.HardeningResult;
import dev.cutover.events.InfrastructurePlan.PropertyChange;
import dev.cutover.events.InfrastructurePlan.ResourceChange;
import dev.cutover.events.InfrastructurePlan.UnhonouredKey;
import dev.cutover.events.Placement;
import dev.cutover.provisioner.plan.CostEstimator;
import dev.cutover.provisioner.plan.HardeningRules;
import dev.cutover.provisioner.plan.InfrastructurePlanner;
import dev.cutover.provisioner.plan.PlanId;
import dev.cutover.provisioner.plan.PlanRequest;
import dev.cutover.provisioner.plan.PlanningException;
import dev.cutover.provisioner.slot.ProvisioningException;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans an Azure target: the desired resources ({@link AzureDesiredState}) read one by one through the SDK and
 * diffed (CREATE, UPDATE with each property's from → to, UNCHANGED), judged by the hardening rules and priced.
 * Planning only reads. An apply makes the plan again, refuses it if its id changed (the configuration, or what the
 * plan is made from, changed since it was reviewed) or it is blocked, then PUTs what is to be created or updated in
 * dependency order, an update being what exists with the desired properties laid over it. A failure stops the apply
 * and says what had been created by then (ARM resources stay; the next plan shows them UNCHANGED).
 */
public class AzurePlanner implements InfrastructurePlanner {

    private static final Logger LOG = Logger.getLogger(AzurePlanner.class);
    static final String REDACTED = "(a literal value, not shown)";

    /** The subscription's resources (an SDK-backed ArmResources), for a subscription id. */
    public interface Arm {
        ArmResources in(String subscription) throws PlanningException;
    }

    private final Arm arm;
    private final CostEstimator costs;
    private final String defaultSubscription;

    public AzurePlanner(Arm arm, CostEstimator costs, String defaultSubscription) {
        this.arm = arm;
        this.costs = costs;
        this.defaultSubscription = defaultSubscription;
    }

    @Override
    public String provider() {
        return Placement.AZURE;
    }

    @Override
    public InfrastructurePlan plan(PlanRequest request) throws PlanningException {
        return planned(request).plan();
    }

    @Override
    public Applied apply(PlanRequest request, String planId) throws PlanningException {
        Planned planned = planned(request);
        InfrastructurePlan plan = planned.plan();
        if (!plan.id().equals(planId)) {
            throw PlanningException.configuration("plan " + PlanId.shortId(planId) + " is no longer the plan (now "
                    + PlanId.shortId(plan.id()) + "): the configuration or the target changed since it was reviewed");
        }
        if (plan.blocked()) {
            throw PlanningException.configuration("plan " + PlanId.shortId(planId) + " is blocked ("
                    + (plan.cost() != null && plan.cost().overBudget() ? "over budget" : "hardening") + ")");
        }
        List<String> created = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        String principal = null;
        for (DesiredResource resource : planned.resources()) {
            Action action = planned.actions().get(resource.id());
            if (action == Action.UNCHANGED) {
                continue;
            }
            JsonNode existing = planned.existing().get(resource.id());
            ObjectNode body = action == Action.CREATE ? resource.body().deepCopy()
                    : ResourceDiff.merged(resource, existing);
            if (isRoleAssignment(resource)
                    && AzureDesiredState.PRINCIPAL_PENDING.equals(body.path("properties").path("principalId").asText())) {
                if (principal == null) {
                    throw new PlanningException("the identity of " + request.target() + " has no principal id: its"
                            + " Key Vault role cannot be assigned", dev.cutover.events.ProvisionerEvent.FailureCause
                            .INFRASTRUCTURE, created, null);
                }
                ((ObjectNode) body.path("properties")).put("principalId", principal);
            }
            JsonNode written;
            try {
                written = planned.arm().write(resource, body);
                if (isIdentity(resource)) {
                    principal = principalOf(written).or(() -> readPrincipal(planned.arm(), resource)).orElse(null);
                }
            } catch (ProvisioningException e) {
                throw new PlanningException(e.getMessage(), e.kind(), created, e);
            }
            (action == Action.CREATE ? created : updated).add(resource.id());
            LOG.debugf("%s %s (%s)", action, resource.id(), request.target());
        }
        return new Applied(created, updated);
    }

    /** A plan and what it was made from, so an apply need not read again. */
    private record Planned(InfrastructurePlan plan, ArmResources arm, List<DesiredResource> resources,
                           Map<String, Action> actions, Map<String, JsonNode> existing) {
    }

    private Planned planned(PlanRequest request) throws PlanningException {
        AzureNames names = AzureNames.of(request.target(), request.placement(), defaultSubscription);
        ArmResources resources = arm.in(names.subscriptionId());
        String principal = null;
        try {
            AzureDesiredState probe = AzureDesiredState.of(request, names, null);
            DesiredResource identity = probe.resources().stream().filter(AzurePlanner::isIdentity).findFirst()
                    .orElseThrow();
            principal = resources.read(identity).flatMap(AzurePlanner::principalOf).orElse(null);
        } catch (ProvisioningException e) {
            throw new PlanningException(e.getMessage(), e.kind());
        }
        AzureDesiredState desired = AzureDesiredState.of(request, names, principal);

        List<ResourceChange> changes = new ArrayList<>();
        Map<String, Action> actions = new LinkedHashMap<>();
        Map<String, JsonNode> existing = new LinkedHashMap<>();
        for (DesiredResource resource : desired.resources()) {
            Optional<JsonNode> have;
            try {
                have = resources.read(resource);
            } catch (ProvisioningException e) {
                throw new PlanningException(e.getMessage(), e.kind());
            }
            List<PropertyChange> diff = redacted(resource, ResourceDiff.changes(resource, have.orElse(null)));
            Action action = have.isEmpty() ? Action.CREATE : diff.isEmpty() ? Action.UNCHANGED : Action.UPDATE;
            have.ifPresent(h -> existing.put(resource.id(), h));
            actions.put(resource.id(), action);
            changes.add(new ResourceChange(resource.id(), resource.type(), action, diff));
        }

        List<HardeningResult> hardening = HardeningRules.evaluate(desired.posture(), request.policy(),
                request.production());
        CostEstimate cost = costs.estimate(desired.priced(), request.policy().monthlyLimit());
        List<UnhonouredKey> unhonoured = new ArrayList<>(desired.unhonoured());
        if (Placement.APP_SERVICE.equals(request.placement().kind()) && request.security() != null) {
            if (request.security().hsts()) {
                unhonoured.add(new UnhonouredKey("security.hsts", "App Service adds no response headers: the"
                        + " application must send Strict-Transport-Security"));
            }
            if (request.security().csp() != null) {
                unhonoured.add(new UnhonouredKey("security.csp", "App Service adds no response headers: the"
                        + " application must send Content-Security-Policy"));
            }
        }
        Map<String, Object> hashed = new LinkedHashMap<>();
        hashed.put("provider", Placement.AZURE);
        hashed.put("kind", request.placement().kind());
        hashed.put("resources", desired.resources().stream().map(r -> Map.of("id", r.id(), "type", r.type(),
                "apiVersion", r.apiVersion(), "body", r.body(), "createOnly", r.createOnly())).toList());
        InfrastructurePlan plan = new InfrastructurePlan(PlanId.of(hashed), Placement.AZURE, request.placement().kind(),
                changes, hardening, cost, unhonoured, HardeningRules.blocks(hardening) || cost.overBudget());
        return new Planned(plan, resources, desired.resources(), actions, existing);
    }

    /**
     * App settings with a secret-like name and a literal value (the hardening rule fails them) show as
     * {@value #REDACTED}: the plan is an event, and a secret's value must not travel in one.
     */
    private static List<PropertyChange> redacted(DesiredResource resource, List<PropertyChange> changes) {
        if (!"Microsoft.Web/sites/config".equals(resource.type())) {
            return changes;
        }
        return changes.stream().map(c -> {
            String name = c.property().substring(c.property().indexOf('.') + 1);
            if (!HardeningRules.looksSecret(name)) {
                return c;
            }
            return new PropertyChange(c.property(), literal(c.from()) ? REDACTED : c.from(),
                    literal(c.to()) ? REDACTED : c.to());
        }).toList();
    }

    private static boolean literal(String value) {
        return value != null && !value.startsWith(HardeningRules.KEY_VAULT_REFERENCE_PREFIX);
    }

    private static boolean isIdentity(DesiredResource r) {
        return "Microsoft.ManagedIdentity/userAssignedIdentities".equals(r.type());
    }

    private static boolean isRoleAssignment(DesiredResource r) {
        return "Microsoft.Authorization/roleAssignments".equals(r.type());
    }

    private static Optional<String> principalOf(JsonNode identity) {
        String id = identity.path("properties").path("principalId").asText("");
        return id.isBlank() ? Optional.empty() : Optional.of(id);
    }

    private static Optional<String> readPrincipal(ArmResources arm, DesiredResource identity) {
        try {
            return arm.read(identity).flatMap(AzurePlanner::principalOf);
        } catch (ProvisioningException e) {
            return Optional.empty();
        }
    }
}
