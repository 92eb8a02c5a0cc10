package dev.cutover.secrets;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.util.Context;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place a Key Vault {@link SecretClient} is built. Retries are the SDK's own {@link RetryPolicy}: on what
 * the SDK counts as transient (408, 429, 5xx but 501/505, no answer) it waits what the vault's
 * {@code retry-after-ms}, {@code x-ms-retry-after-ms} or {@code Retry-After} asks, else an exponential backoff from
 * {@code delay} (doubled each retry, with the SDK's ±5% jitter, capped at {@code maxDelay}), at most
 * {@code maxRetries} times. One rule is ours: an answer asking to wait longer than {@code maxDelay} is not retried
 * (a provisioning lane must not sleep for minutes on one secret).
 */
public final class KeyVaultClientFactory {

    /** The call's {@link Context} key under which the attempts of one request are counted (an AtomicInteger). */
    static final String ATTEMPTS = "cutover.keyvault.attempts";

    private KeyVaultClientFactory() {
    }

    /**
     * The production client: {@code DefaultAzureCredential} (environment, workload/managed identity, Azure CLI…);
     * HTTP logging is pinned to NONE so that AZURE_HTTP_LOG_DETAIL_LEVEL=body can never print a secret's value.
     */
    public static SecretClient create(String vaultUrl, AzureKeyVaultSecretStore.Retries retries) {
        return new SecretClientBuilder()
                .vaultUrl(vaultUrl)
                .credential(new DefaultAzureCredentialBuilder().build())
                .retryOptions(retryOptions(retries))
                .addPolicy(new AttemptCounter())
                .httpLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE))
                .buildClient();
    }

    /**
     * A client on {@code httpClient} with the same retry policy and no authentication policy, e.g. pointing at a
     * local fake of Key Vault's REST API (credential-based clients refuse http://).
     */
    public static SecretClient create(String vaultUrl, HttpClient httpClient, AzureKeyVaultSecretStore.Retries retries) {
        var pipeline = new HttpPipelineBuilder()
                .httpClient(httpClient)
                .policies(new RetryPolicy(retryOptions(retries)), new AttemptCounter())
                .build();
        return new SecretClientBuilder().vaultUrl(vaultUrl).pipeline(pipeline).buildClient();
    }

    /** A call context in which every attempt the request makes, the first and each retry, counts in {@code attempts}. */
    static Context countingAttempts(AtomicInteger attempts) {
        return new Context(ATTEMPTS, attempts);
    }

    static RetryOptions retryOptions(AzureKeyVaultSecretStore.Retries retries) {
        ExponentialBackoffOptions backoff = new ExponentialBackoffOptions()
                .setMaxRetries(retries.maxRetries())
                .setBaseDelay(retries.delay())
                .setMaxDelay(retries.maxDelay());
        ExponentialBackoff sdkDefault = new ExponentialBackoff(backoff);
        return new RetryOptions(backoff).setShouldRetryCondition(
                condition -> sdkDefault.shouldRetryCondition(condition) && !asksTooLong(condition, retries.maxDelay()));
    }

    private static boolean asksTooLong(RequestRetryCondition condition, Duration maxDelay) {
        Duration asked = condition.getResponse() == null ? null
                : AzureKeyVaultSecretStore.retryAfter(condition.getResponse());
        return asked != null && asked.compareTo(maxDelay) > 0;
    }

    /** Placed after the retry policy, so it sees each attempt of a request. */
    private static final class AttemptCounter extends HttpPipelineSyncPolicy {
        @Override
        protected void beforeSendingRequest(HttpPipelineCallContext context) {
            context.getData(ATTEMPTS).ifPresent(n -> ((AtomicInteger) n).incrementAndGet());
        }
    }
}
