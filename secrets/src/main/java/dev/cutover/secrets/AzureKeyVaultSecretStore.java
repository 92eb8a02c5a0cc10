package dev.cutover.secrets;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.ResourceNotFoundException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpResponse;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Secrets from Azure Key Vault through the SDK's {@link SecretClient}: {@code secret://name} reads the current
 * version, {@code secret://name/version} that version. 404 is not found; 401/403 access denied; throttling, server
 * errors and no answer are retried by the client's own retry policy (see {@link KeyVaultClientFactory}), and what
 * is still failing after it is unavailable.
 *
 * @param client  built by {@link KeyVaultClientFactory} with the same {@code retries}
 * @param onRetry run once for each retry the client made (a counter)
 */
public record AzureKeyVaultSecretStore(SecretClient client, Retries retries, Runnable onRetry) implements SecretStore {

    private static final Logger LOG = Logger.getLogger(AzureKeyVaultSecretStore.class);
    private static final HttpHeaderName RETRY_AFTER_MS = HttpHeaderName.fromString("retry-after-ms");
    private static final HttpHeaderName X_MS_RETRY_AFTER_MS = HttpHeaderName.fromString("x-ms-retry-after-ms");

    /** The client's retry policy: {@code cutover.secrets.azure.max-retries, retry-delay, max-retry-delay}. */
    public record Retries(int maxRetries, Duration delay, Duration maxDelay) {
        public Retries {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("cutover.secrets.azure.max-retries must be >= 0, was " + maxRetries);
            }
        }
    }

    @Override
    public String kind() {
        return "azure-keyvault";
    }

    @Override
    public String resolve(SecretReference reference) throws SecretStoreException {
        AtomicInteger attempts = new AtomicInteger();
        try {
            KeyVaultSecret secret = client.getSecretWithResponse(reference.name(),
                    reference.pinned() ? reference.version() : "", KeyVaultClientFactory.countingAttempts(attempts))
                    .getValue();
            if (secret == null || secret.getValue() == null) {
                throw new SecretStoreException.NotFound(reference, kind(), "the vault returned no value");
            }
            return secret.getValue();
        } catch (ResourceNotFoundException e) {
            throw new SecretStoreException.NotFound(reference, kind(), "");
        } catch (ClientAuthenticationException e) {
            // 401, or no credential at all: the SDK message says which credentials were tried, never a value
            throw new SecretStoreException.AccessDenied(reference, kind(), e.getResponse() == null
                    ? "no Azure credential: " + firstLine(e.getMessage()) : "HTTP " + status(e));
        } catch (HttpResponseException e) {
            int status = status(e);
            if (status == 401 || status == 403) {
                throw new SecretStoreException.AccessDenied(reference, kind(), "HTTP " + status);
            }
            if (status == 404) {
                throw new SecretStoreException.NotFound(reference, kind(), "");
            }
            if (status != 429 && status != 408 && status < 500) {
                throw new SecretStoreException.Unavailable(reference, kind(), "the vault answered HTTP " + status);
            }
            String trouble = status == 429 ? "throttled (HTTP 429)" : "HTTP " + status;
            Duration asked = retryAfter(e.getResponse());
            if (asked != null && asked.compareTo(retries.maxDelay()) > 0) {
                throw new SecretStoreException.Unavailable(reference, kind(), trouble + ", asked to retry after "
                        + asked.toMillis() + " ms (more than cutover.secrets.azure.max-retry-delay "
                        + retries.maxDelay().toMillis() + " ms)");
            }
            throw new SecretStoreException.Unavailable(reference, kind(), trouble + after(attempts.get()));
        } catch (RuntimeException e) {
            // connection refused, timeout, DNS: the SDK wraps I/O errors in unchecked exceptions
            throw new SecretStoreException.Unavailable(reference, kind(),
                    "no answer (" + e.getClass().getSimpleName() + ")" + after(attempts.get()));
        } finally {
            int retried = attempts.get() - 1;
            if (retried > 0) {
                LOG.infof("Key Vault: secret '%s' took %d attempts", reference.name(), retried + 1);
            }
            for (int i = 0; i < retried; i++) {
                onRetry.run();
            }
        }
    }

    private static String after(int attempts) {
        return " after " + attempts + (attempts == 1 ? " attempt" : " attempts");
    }

    /** The wait a throttled or failing answer asks for: retry-after-ms, x-ms-retry-after-ms or Retry-After. */
    static Duration retryAfter(HttpResponse response) {
        if (response == null) {
            return null;
        }
        HttpHeaders headers = response.getHeaders();
        for (HttpHeaderName ms : new HttpHeaderName[] {RETRY_AFTER_MS, X_MS_RETRY_AFTER_MS}) {
            String value = headers.getValue(ms);
            if (value != null) {
                try {
                    return Duration.ofMillis(Math.max(0, Long.parseLong(value.trim())));
                } catch (NumberFormatException ignored) {
                    // try the next header
                }
            }
        }
        String value = headers.getValue(HttpHeaderName.RETRY_AFTER);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(OffsetDateTime.now(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static int status(HttpResponseException e) {
        return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }
}
