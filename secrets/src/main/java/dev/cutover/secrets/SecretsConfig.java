package dev.cutover.secrets;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Which store the service reads its secrets from (secret:// references, CI source keys). */
@ConfigMapping(prefix = "cutover.secrets")
public interface SecretsConfig {

    /** {@code local} (environment variables and an owner-only file) or {@code azure-keyvault}. */
    @WithDefault("local")
    String store();

    Local local();

    Azure azure();

    interface Local {

        /**
         * Optional properties file ({@code name=value}, {@code name/version=value}) or JSON object (if the name
         * ends in {@code .json}); must be readable by its owner only (chmod 600). Read at every resolution, so
         * a changed value needs no restart.
         */
        Optional<Path> file();
    }

    interface Azure {

        /** e.g. {@code https://my-vault.vault.azure.net}; required when store is azure-keyvault. */
        Optional<String> vaultUrl();

        /** Retries after a 429, 408 or 5xx answer (or no answer) before the secret counts as unavailable. */
        @WithDefault("3")
        int maxRetries();

        /** First backoff when the vault sends no Retry-After; doubled on each retry. */
        @WithDefault("1s")
        Duration retryDelay();

        /** Longest wait before a retry; a Retry-After asking for more gives up at once. */
        @WithDefault("30s")
        Duration maxRetryDelay();
    }
}
