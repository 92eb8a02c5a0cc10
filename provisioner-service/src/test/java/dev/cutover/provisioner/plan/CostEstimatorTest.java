package dev.cutover.provisioner.plan;

import dev.cutover.events.InfrastructurePlan.CostEstimate;
import dev.cutover.events.InfrastructurePlan.CostItem;
import dev.cutover.provisioner.plan.CostEstimator.Priced;
import dev.cutover.provisioner.plan.PriceTable.Meter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Monthly estimates from the checked-in table: hours × 730, GB-months as they are, the table's date, the budget. */
class CostEstimatorTest {

    private static final CostEstimator COSTS = new CostEstimator(PriceTable.load());
    private static final List<Priced> PRODUCTION = List.of(
            new Priced("plan", new Meter("Azure App Service", "Azure App Service Premium v3 Plan - Linux", "P2 v3",
                    null, "westeurope", CostEstimator.HOUR), 3),
            new Priced("storage", new Meter("Storage", "General Block Blob v2", "Hot GRS", null, "westeurope",
                    CostEstimator.GB_MONTH), 100),
            new Priced("pe", new Meter("Virtual Network", "Virtual Network Private Link", "Standard",
                    "Standard Private Endpoint", "westeurope", CostEstimator.HOUR), 1));

    @Test
    void linesArePricedPerMonthWithTheTablesDate() throws PlanningException {
        CostEstimate estimate = COSTS.estimate(PRODUCTION, null);

        CostItem plan = estimate.items().get(0);
        assertEquals(2190, plan.quantity(), "3 instances × 730 h");
        assertEquals(0.372, plan.unitPrice());
        assertEquals(814.68, plan.monthly(), 0.001);
        assertEquals(3.92, estimate.items().get(1).monthly(), 0.001);
        assertEquals(7.30, estimate.items().get(2).monthly(), 0.001);
        assertEquals(825.90, estimate.monthlyTotal(), 0.001);
        assertEquals("USD", estimate.currency());
        assertEquals(PriceTable.load().date(), estimate.priceTableDate());
        assertFalse(estimate.overBudget());
    }

    @Test
    void anEstimateAboveTheLimitIsOverBudget() throws PlanningException {
        assertTrue(COSTS.estimate(PRODUCTION, 800.0).overBudget());
        assertFalse(COSTS.estimate(PRODUCTION, 900.0).overBudget());
    }

    @Test
    void aMeterNotInTheTableIsListedAtZeroOrStopsABudgetCheck() throws PlanningException {
        List<Priced> unknown = List.of(new Priced("vm", new Meter("Virtual Machines", null, "E64s v5", null,
                "westeurope", CostEstimator.HOUR), 2));

        CostEstimate estimate = COSTS.estimate(unknown, null);
        assertEquals(0, estimate.monthlyTotal());
        assertEquals(1, estimate.items().size());
        PlanningException e = assertThrows(PlanningException.class, () -> COSTS.estimate(unknown, 1000.0));
        assertEquals(dev.cutover.events.ProvisionerEvent.FailureCause.CONFIGURATION, e.kind());
    }
}
