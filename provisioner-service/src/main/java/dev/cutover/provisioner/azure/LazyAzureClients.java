package dev.cutover.provisioner.azure;

import dev.cutover.provisioner.config.ProvisionerConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.function.Supplier;

/**
 * The provisioner's one set of Azure SDK clients (from {@code cutover.provisioner.azure.*}), shared by the providers
 * and the planner, made at the first Azure command rather than at start: a provisioner that only serves local targets
 * needs no Azure credential.
 */
@Singleton
public class LazyAzureClients implements Supplier<AzureClients> {

    private final ProvisionerConfig config;
    private AzureClients made;

    @Inject
    public LazyAzureClients(ProvisionerConfig config) {
        this.config = config;
    }

    @Override
    public synchronized AzureClients get() {
        if (made == null) {
            made = AzureClients.fromConfig(config.azure());
        }
        return made;
    }
}
