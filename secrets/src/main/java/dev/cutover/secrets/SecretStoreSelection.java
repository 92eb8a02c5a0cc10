package dev.cutover.secrets;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** The one place where {@code cutover.secrets.store} picks the {@link SecretStore}. */
public class SecretStoreSelection {

    private static final Logger LOG = Logger.getLogger(SecretStoreSelection.class);

    @Produces
    @Singleton
    SecretStore secretStore(SecretsConfig config, MeterRegistry meters) {
        SecretStore store = switch (config.store()) {
            case "local" -> new LocalSecretStore(System.getenv(), config.local().file());
            case "azure-keyvault" -> azure(config.azure(), meters);
            default -> throw new IllegalStateException("unknown cutover.secrets.store '" + config.store()
                    + "' (known: local, azure-keyvault)");
        };
        LOG.infof("Secrets are read from the %s store%s", store.kind(), config.store().equals("local")
                ? config.local().file().map(f -> " (file " + f.toAbsolutePath() + ")").orElse("")
                : " (" + config.azure().vaultUrl().orElse("") + ")");
        return store;
    }

    private static SecretStore azure(SecretsConfig.Azure azure, MeterRegistry meters) {
        String vaultUrl = azure.vaultUrl().filter(u -> !u.isBlank()).orElseThrow(() -> new IllegalStateException(
                "cutover.secrets.azure.vault-url is required when cutover.secrets.store=azure-keyvault"));
        Counter retries = Counter.builder("cutover.secrets.retries")
                .description("Key Vault requests retried after throttling or a server error")
                .tag("store", "azure-keyvault").register(meters);
        var policy = new AzureKeyVaultSecretStore.Retries(azure.maxRetries(), azure.retryDelay(), azure.maxRetryDelay());
        return new AzureKeyVaultSecretStore(KeyVaultClientFactory.create(vaultUrl, policy), policy, retries::increment);
    }
}
