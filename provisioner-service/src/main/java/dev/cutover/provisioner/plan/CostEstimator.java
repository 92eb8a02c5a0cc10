package dev.cutover.provisioner.plan;

import dev.cutover.events.InfrastructurePlan.CostEstimate;
import dev.cutover.events.InfrastructurePlan.CostItem;
import dev.cutover.provisioner.plan.PriceTable.Meter;

import java.util.ArrayList;
import java.util.List;

/**
 * Prices a desired state per month from the {@link PriceTable}: hourly meters for 730 hours (Azure's month), per-GB
 * meters for the GBs. Resources Azure does not bill by themselves (resource group, identity, network security group,
 * autoscale and diagnostic settings) have no line. A meter missing from the table is a configuration error when the
 * environment has a budget (it could not be checked); without one it is listed at 0 so the gap shows.
 */
public final class CostEstimator {

    public static final double HOURS_PER_MONTH = 730;
    public static final String HOUR = "1 Hour";
    public static final String GB_MONTH = "1 GB/Month";

    private final PriceTable table;

    public CostEstimator(PriceTable table) {
        this.table = table;
    }

    /** {@code quantity} of {@code meter}'s unit for {@code resource} (hours: instances, multiplied by 730). */
    public record Priced(String resource, Meter meter, double quantity) {
    }

    public String tableDate() {
        return table.date();
    }

    /** Nothing billed (local processes): zero, with the table's date. */
    public CostEstimate none(Double monthlyLimit) {
        return new CostEstimate(table.currency(), 0, table.date(), List.of(), monthlyLimit, false);
    }

    public CostEstimate estimate(List<Priced> lines, Double monthlyLimit) throws PlanningException {
        List<CostItem> items = new ArrayList<>();
        double total = 0;
        for (Priced line : lines) {
            Meter m = line.meter();
            double quantity = HOUR.equals(m.unit()) ? line.quantity() * HOURS_PER_MONTH : line.quantity();
            var price = table.find(m);
            if (price.isEmpty()) {
                if (monthlyLimit != null) {
                    throw PlanningException.configuration("no price for " + describe(m) + " in the price table of "
                            + table.date() + ": the budget cannot be checked (refresh the table with"
                            + " deploy/azure/refresh-prices.sh)");
                }
                items.add(new CostItem(line.resource(), describe(m) + " (not in the price table)", m.skuName(),
                        m.region(), 0, m.unit(), quantity, 0));
                continue;
            }
            double monthly = round(price.get().unitPrice() * quantity);
            total += monthly;
            items.add(new CostItem(line.resource(), price.get().productName() + " / " + price.get().meterName(),
                    price.get().skuName(), m.region(), price.get().unitPrice(), m.unit(), quantity, monthly));
        }
        total = round(total);
        return new CostEstimate(table.currency(), total, table.date(), items, monthlyLimit,
                monthlyLimit != null && total > monthlyLimit);
    }

    private static String describe(Meter m) {
        return m.serviceName() + " " + (m.productName() == null ? "" : m.productName() + " ")
                + (m.skuName() == null ? "" : m.skuName() + " ") + "in " + m.region();
    }

    private static double round(double amount) {
        return Math.round(amount * 100) / 100.0;
    }
}
