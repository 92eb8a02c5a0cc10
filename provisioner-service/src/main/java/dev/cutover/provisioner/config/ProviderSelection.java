package dev.cutover.provisioner.config;

import dev.cutover.provisioner.slot.LocalTargetProvider;
import dev.cutover.provisioner.slot.TargetProvider;
import dev.cutover.provisioner.traffic.LocalTrafficRouter;
import dev.cutover.provisioner.traffic.TrafficRouter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one place where {@code cutover.provisioner.provider} picks the implementations. */
public class ProviderSelection {

    @Produces
    @Singleton
    TargetProvider targetProvider(ProvisionerConfig config) {
        return switch (config.provider()) {
            case "local" -> new LocalTargetProvider(config.local());
            // "azure" -> AzureTargetProvider (App Service slots) goes here
            default -> throw unknown(config.provider());
        };
    }

    @Produces
    @Singleton
    TrafficRouter trafficRouter(ProvisionerConfig config) {
        return switch (config.provider()) {
            case "local" -> new LocalTrafficRouter(config.local());
            // "azure" -> AzureTrafficRouter (slot traffic routing / Traffic Manager) goes here
            default -> throw unknown(config.provider());
        };
    }

    private static IllegalStateException unknown(String provider) {
        return new IllegalStateException("unknown cutover.provisioner.provider '" + provider + "' (known: local)");
    }
}
