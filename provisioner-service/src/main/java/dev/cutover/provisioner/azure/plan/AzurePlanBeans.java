package dev.cutover.provisioner.azure.plan;

import dev.cutover.provisioner.azure.LazyAzureClients;
import dev.cutover.provisioner.config.ProvisionerConfig;
import dev.cutover.provisioner.plan.CostEstimator;
import dev.cutover.provisioner.plan.PlanningException;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The Azure planner, on the provisioner's one set of SDK clients ({@link LazyAzureClients}: made at the first Azure
 * command, not at start).
 */
public class AzurePlanBeans {

    @Produces
    @Singleton
    AzurePlanner azurePlanner(ProvisionerConfig config, CostEstimator costs, LazyAzureClients clients) {
        return new AzurePlanner(subscription -> {
            try {
                return new SdkArmResources(clients.get(), subscription);
            } catch (RuntimeException e) {
                throw PlanningException.configuration("the Azure SDK cannot be set up (cutover.provisioner.azure.*): "
                        + e.getMessage());
            }
        }, costs, config.azure().subscriptionId().orElse(null));
    }
}
