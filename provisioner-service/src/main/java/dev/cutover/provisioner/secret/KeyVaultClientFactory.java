package dev.cutover.provisioner.secret;

import com.azure.core.http.HttpPipeline;
import com.azure.core.http.policy.FixedDelay;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;

import java.time.Duration;

/** The one place a Key Vault {@link SecretClient} is built. */
public final class KeyVaultClientFactory {

    private KeyVaultClientFactory() {
    }

    /**
     * The production client: {@code DefaultAzureCredential} (environment, workload/managed identity, Azure
     * CLI…). The SDK's own retries are off because {@link AzureKeyVaultSecretStore} retries (bounded, honouring
     * Retry-After); HTTP logging is pinned to NONE so that AZURE_HTTP_LOG_DETAIL_LEVEL=body can never print a
     * secret's value.
     */
    public static SecretClient create(String vaultUrl) {
        return new SecretClientBuilder()
                .vaultUrl(vaultUrl)
                .credential(new DefaultAzureCredentialBuilder().build())
                .retryPolicy(new RetryPolicy(new FixedDelay(0, Duration.ZERO)))
                .httpLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE))
                .buildClient();
    }

    /**
     * A client on a given pipeline, e.g. one without the authentication policy pointing at a local fake of
     * Key Vault's REST API (credential-based clients refuse http://).
     */
    public static SecretClient create(String vaultUrl, HttpPipeline pipeline) {
        return new SecretClientBuilder().vaultUrl(vaultUrl).pipeline(pipeline).buildClient();
    }
}
