package dev.cutover.orchestrator.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the deployments were rebuilt from the snapshot topic. */
@Readiness
@ApplicationScoped
public class StateLoadedCheck implements HealthCheck {

    @Inject
    DeploymentStore store;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("deployment-state")
                .status(store.loaded())
                .withData("activeDeployments", store.loaded() ? store.activeCount() : 0)
                .build();
    }
}
