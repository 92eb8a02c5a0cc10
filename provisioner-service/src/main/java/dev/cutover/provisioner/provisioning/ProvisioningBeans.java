package dev.cutover.provisioner.provisioning;

import dev.cutover.provisioner.config.ProviderSelection;
import dev.cutover.provisioner.config.ProvisionerConfig;
import dev.cutover.provisioner.secret.SecretResolver;
import dev.cutover.provisioner.slot.SlotRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

public class ProvisioningBeans {

    @Produces
    @Singleton
    ProvisionerMetrics metrics(MeterRegistry registry, SlotRegistry slots) {
        return new ProvisionerMetrics(registry, slots);
    }

    /** The artifact cache: {@code artifacts/} in the local work dir, next to {@code state/} and {@code logs/}. */
    @Produces
    @Singleton
    ArtifactStore artifacts(ProvisionerConfig config) {
        return new ArtifactStore(config.local().workDir().resolve("artifacts"));
    }

    @Produces
    @Singleton
    ProvisioningService service(ProviderSelection.Lookup providers, SlotRegistry registry, ProvisionerMetrics metrics,
                                SecretResolver secrets, ArtifactStore artifacts) {
        return new ProvisioningService(providers, registry, metrics, secrets, artifacts);
    }

    /** Before the first command: know again what a previous run of the provisioner started. */
    void load(@Observes StartupEvent startup, ProvisioningService service) {
        service.load();
    }
}
