package dev.cutover.provisioner.secret;

import dev.cutover.secrets.SecretStore;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The provisioner's {@link SecretResolver} over the shared {@link SecretStore} (chosen in cutover-secrets). */
public class SecretResolverBeans {

    @Produces
    @Singleton
    SecretResolver secretResolver(SecretStore store, MeterRegistry meters) {
        return new SecretResolver(store, meters);
    }
}
