package dev.cutover.provisioner.azure.plan;

import dev.cutover.provisioner.azure.AzureClients;
import dev.cutover.provisioner.config.ProvisionerConfig;
import dev.cutover.provisioner.plan.CostEstimator;
import dev.cutover.provisioner.plan.PlanningException;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.function.Supplier;

/**
 * The Azure planner. Its SDK clients (from {@code cutover.provisioner.azure.*}) are made at the first Azure plan, not
 * at start: a provisioner serving only local targets needs no Azure credential.
 */
public class AzurePlanBeans {

    @Produces
    @Singleton
    AzurePlanner azurePlanner(ProvisionerConfig config, CostEstimator costs) {
        Supplier<AzureClients> clients = new Supplier<>() {
            private AzureClients made;

            @Override
            public synchronized AzureClients get() {
                if (made == null) {
                    made = AzureClients.fromConfig(config.azure());
                }
                return made;
            }
        };
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
