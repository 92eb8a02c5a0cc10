package dev.cutover.events;

import java.util.List;

/**
 * What a provider would create or change for a target, before it changes anything: per resource create / update /
 * unchanged with the property changes, the hardening rules' outcomes, the monthly cost estimate, and the
 * configuration keys this provider cannot honour. {@code id} is a content hash of the desired state (an
 * ApplyInfrastructure names it); {@code blocked} is true when a blocking hardening rule failed or the estimate
 * exceeds the budget: nothing may be applied then.
 */
public record InfrastructurePlan(String id, String provider, String kind, List<ResourceChange> changes,
                                 List<HardeningResult> hardening, @OptionalField CostEstimate cost,
                                 List<UnhonouredKey> unhonoured, boolean blocked) {

    public InfrastructurePlan {
        changes = changes == null ? List.of() : List.copyOf(changes);
        hardening = hardening == null ? List.of() : List.copyOf(hardening);
        unhonoured = unhonoured == null ? List.of() : List.copyOf(unhonoured);
    }

    /** Nothing to create or update. */
    public boolean noChanges() {
        return changes.stream().allMatch(c -> c.action() == Action.UNCHANGED);
    }

    public enum Action {
        CREATE, UPDATE, UNCHANGED
    }

    /** One resource ({@code type} as ARM names it, e.g. {@code Microsoft.Web/serverfarms}). */
    public record ResourceChange(String resourceId, String type, Action action, List<PropertyChange> properties) {

        public ResourceChange {
            properties = properties == null ? List.of() : List.copyOf(properties);
        }
    }

    /** {@code from} is absent for a resource being created. */
    public record PropertyChange(String property, @OptionalField String from, @OptionalField String to) {
    }

    /** A named hardening rule ({@code https-only}, {@code min-tls-1.2}, ...) on the desired state. */
    public record HardeningResult(String rule, HealthMonitorEvent.Outcome outcome, boolean blocking, String reason) {
    }

    /**
     * Per month, from the price table dated {@code priceTableDate}; {@code monthlyLimit} is the environment's
     * {@code budget.monthly-limit} (absent: none), {@code overBudget} whether the total exceeds it.
     */
    public record CostEstimate(String currency, double monthlyTotal, String priceTableDate, List<CostItem> items,
                               @OptionalField Double monthlyLimit, boolean overBudget) {

        public CostEstimate {
            items = items == null ? List.of() : List.copyOf(items);
        }
    }

    /** One priced line: {@code quantity} units of {@code unit} at {@code unitPrice}. */
    public record CostItem(String resource, String meter, String sku, String region, double unitPrice, String unit,
                           double quantity, double monthly) {
    }

    /** A configuration key the provider does not act on, and why. */
    public record UnhonouredKey(String key, String reason) {
    }
}
