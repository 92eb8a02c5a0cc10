package dev.cutover.secrets;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SecretStoreSelectionTest {

    record Config(String store, Local local, Azure azure) implements SecretsConfig {
    }

    record LocalSettings(Optional<Path> file) implements SecretsConfig.Local {
    }

    record AzureSettings(Optional<String> vaultUrl, int maxRetries, Duration retryDelay, Duration maxRetryDelay)
            implements SecretsConfig.Azure {
    }

    private static SecretStore select(String store, Optional<String> vaultUrl) {
        return new SecretStoreSelection().secretStore(new Config(store, new LocalSettings(Optional.empty()),
                new AzureSettings(vaultUrl, 3, Duration.ofSeconds(1), Duration.ofSeconds(30))), new SimpleMeterRegistry());
    }

    @Test
    void localIsTheDefaultStoreAndAzureKeyVaultIsTheOther() {
        assertEquals("local", assertInstanceOf(LocalSecretStore.class, select("local", Optional.empty())).kind());
        assertEquals("azure-keyvault", assertInstanceOf(AzureKeyVaultSecretStore.class,
                select("azure-keyvault", Optional.of("https://cutover-test.vault.azure.net"))).kind());
    }

    @Test
    void misconfigurationStopsTheServiceWithTheKeyToFix() {
        assertEquals("unknown cutover.secrets.store 'vault' (known: local, azure-keyvault)",
                assertThrows(IllegalStateException.class, () -> select("vault", Optional.empty())).getMessage());
        assertEquals("cutover.secrets.azure.vault-url is required when cutover.secrets.store=azure-keyvault",
                assertThrows(IllegalStateException.class, () -> select("azure-keyvault", Optional.empty())).getMessage());
    }
}
