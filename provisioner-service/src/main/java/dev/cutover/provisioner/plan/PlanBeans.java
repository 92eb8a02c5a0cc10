package dev.cutover.provisioner.plan;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The planning service with every planner there is: the local one always, others (Azure) when their module
 * produces an {@link InfrastructurePlanner} bean. Which one plans a command is the command's placement's business,
 * not the provisioner's configured provider: a provisioner may serve local and Azure targets alike.
 */
public class PlanBeans {

    @Produces
    @Singleton
    CostEstimator costEstimator() {
        return new CostEstimator(PriceTable.load());
    }

    @Produces
    @Singleton
    LocalPlanner localPlanner(CostEstimator costs) {
        return new LocalPlanner(costs);
    }

    @Produces
    @Singleton
    PlanningService planningService(Instance<InfrastructurePlanner> planners) {
        return new PlanningService(planners.stream().toList());
    }
}
