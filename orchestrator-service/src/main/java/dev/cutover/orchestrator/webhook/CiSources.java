package dev.cutover.orchestrator.webhook;

import dev.cutover.orchestrator.model.PlainText;
import dev.cutover.secrets.SecretReference;
import dev.cutover.secrets.SecretStore;
import dev.cutover.secrets.SecretStoreException;
import dev.cutover.security.webhook.GitHubSignature;
import dev.cutover.security.webhook.RefusalReason;
import dev.cutover.security.webhook.ReplayGuard;
import dev.cutover.security.webhook.StandardWebhooks;
import dev.cutover.security.webhook.Verification;
import dev.cutover.security.webhook.WebhookKey;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Verifies that a deployment request comes from a configured CI source ({@link CiSourcesConfig}) and is signed with
 * its key (read from the {@link SecretStore}, kept {@link #KEY_CACHE} so a rotated key is picked up without a
 * restart). One replay guard for both ways in, so an event accepted on Kafka is a replay on HTTP.
 */
@ApplicationScoped
public class CiSources {

    /** The record header (and, for the webhook endpoint, the path segment) naming the CI source. */
    public static final String SOURCE_HEADER = "cutover-ci-source";
    /** How long a key read from the secret store is used before it is read again. */
    public static final Duration KEY_CACHE = Duration.ofMinutes(1);

    private static final Logger LOG = Logger.getLogger(CiSources.class);
    private static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final List<String> SIGNED_HEADERS = List.of(StandardWebhooks.ID, StandardWebhooks.TIMESTAMP,
            StandardWebhooks.SIGNATURE, SOURCE_HEADER);

    @Inject
    CiSourcesConfig config;

    @Inject
    SecretStore store;

    @Inject
    MeterRegistry meters;

    private final ReplayGuard guard = new ReplayGuard();
    private final Clock clock = Clock.systemUTC();
    private StandardWebhooks standard;
    private GitHubSignature github;
    private final Map<String, CachedKey> keys = new ConcurrentHashMap<>();

    private record CachedKey(WebhookKey key, Instant readAt) {
    }

    /** A verified request: the source it comes from, and the event id the replay guard recorded. */
    public record Verified(String source, String eventId) {
        /** The requester as the audit records it. */
        public String subject() {
            return "ci:" + source;
        }
    }

    @PostConstruct
    void init() {
        standard = new StandardWebhooks(guard, clock, StandardWebhooks.TOLERANCE);
        github = new GitHubSignature(guard, clock, StandardWebhooks.TOLERANCE);
        for (String via : List.of("kafka", "webhook")) {
            meters.counter("cutover.orchestrator.ci.accepted", "via", via);
        }
        config.sources().forEach((name, s) -> LOG.infof("CI source %s: %s signatures, key from secret '%s'", name,
                s.signature(), s.key()));
    }

    /**
     * A record of the requests topic: Standard Webhooks headers and {@value #SOURCE_HEADER}, exact names (Kafka's
     * are case-sensitive), each at most once.
     *
     * @throws CiRequestRefused why it is refused (the caller lets it dead-letter the record)
     */
    public Verified verifyRecord(Headers headers, byte[] body) {
        for (String name : SIGNED_HEADERS) {
            int count = 0;
            for (Header ignored : headers.headers(name)) {
                count++;
            }
            if (count > 1) {
                throw refused("kafka", new Verification.Refused(RefusalReason.MALFORMED, name + " header twice"));
            }
        }
        Function<String, String> lookup = name -> {
            Header h = headers.lastHeader(name);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        };
        String source = lookup.apply(SOURCE_HEADER);
        if (source == null && lookup.apply(StandardWebhooks.SIGNATURE) == null
                && lookup.apply(StandardWebhooks.ID) == null && lookup.apply(StandardWebhooks.TIMESTAMP) == null) {
            throw refused("kafka", new Verification.Refused(RefusalReason.UNSIGNED, "no " + SOURCE_HEADER + " or "
                    + StandardWebhooks.SIGNATURE + " header"));
        }
        CiSourcesConfig.Source configured = source(source, "kafka");
        Verification v = standard.verify(lookup, body == null ? new byte[0] : body, key(source, configured, "kafka"),
                source);
        return accepted(source, v, "kafka");
    }

    /**
     * A request to {@code POST /webhooks/<source>}: Standard Webhooks headers, or {@code X-Hub-Signature-256} for a
     * source whose signature is {@code github}. {@code headers}: a case-insensitive lookup (HTTP names are).
     *
     * @throws CiRequestRefused why it is refused
     */
    public Verified verifyWebhook(String source, Function<String, String> headers, byte[] body) {
        CiSourcesConfig.Source configured = source(source, "webhook");
        WebhookKey key = key(source, configured, "webhook");
        Verification v = "github".equals(configured.signature())
                ? github.verify(headers.apply(GitHubSignature.HEADER), body, key, source)
                : standard.verify(headers, body, key, source);
        return accepted(source, v, "webhook");
    }

    /**
     * Headers that sign {@code body} as {@code source} would (Standard Webhooks, {@value #SOURCE_HEADER}): for a
     * request this service derived from one the source signed and it verified (a CDEvent mapped to a request), so
     * the request crosses the requests topic under the same policy as any other.
     *
     * @throws CiRequestRefused the source is not configured or its key cannot be read
     */
    public Map<String, String> signAs(String source, String id, byte[] body) {
        Map<String, String> headers = new java.util.LinkedHashMap<>(StandardWebhooks.sign(key(source,
                source(source, "kafka"), "kafka"), id, clock.instant(), body));
        headers.put(SOURCE_HEADER, source);
        return headers;
    }

    private CiSourcesConfig.Source source(String source, String via) {
        if (source == null || source.isEmpty()) {
            throw refused(via, new Verification.Refused(RefusalReason.UNKNOWN_SOURCE, "no " + SOURCE_HEADER));
        }
        CiSourcesConfig.Source configured = SOURCE_NAME.matcher(source).matches() ? config.sources().get(source)
                : null;
        if (configured == null) {
            throw refused(via, new Verification.Refused(RefusalReason.UNKNOWN_SOURCE, "no CI source '"
                    + printable(source) + "' is configured"));
        }
        return configured;
    }

    private WebhookKey key(String source, CiSourcesConfig.Source configured, String via) {
        Instant now = clock.instant();
        CachedKey cached = keys.get(source);
        if (cached != null && Duration.between(cached.readAt(), now).compareTo(KEY_CACHE) < 0) {
            return cached.key();
        }
        try {
            WebhookKey key = WebhookKey.parse(store.resolve(new SecretReference(configured.key(), null)));
            keys.put(source, new CachedKey(key, now));
            return key;
        } catch (SecretStoreException e) {
            LOG.warnf("CI source %s: its key (secret '%s') cannot be read from the %s store: %s", source,
                    configured.key(), store.kind(), e.getMessage());
            throw refused(via, new Verification.Refused(e instanceof SecretStoreException.Unavailable
                    ? RefusalReason.KEY_UNAVAILABLE : RefusalReason.UNKNOWN_SOURCE, "the key of CI source '" + source
                    + "' cannot be read from the secret store"));
        } catch (IllegalArgumentException e) {
            // a bad secret name or an unusable value: the message names neither the value nor part of it
            LOG.warnf("CI source %s: unusable key (secret '%s'): %s", source, configured.key(), e.getMessage());
            throw refused(via, new Verification.Refused(RefusalReason.UNKNOWN_SOURCE, "the key of CI source '"
                    + source + "' is not usable"));
        }
    }

    private Verified accepted(String source, Verification v, String via) {
        if (v instanceof Verification.Accepted a) {
            meters.counter("cutover.orchestrator.ci.accepted", "via", via).increment();
            return new Verified(source, a.id());
        }
        throw refused(via, (Verification.Refused) v);
    }

    private CiRequestRefused refused(String via, Verification.Refused refusal) {
        meters.counter("cutover.orchestrator.ci.refused", "via", via, "reason", refusal.reason().kind()).increment();
        return new CiRequestRefused(refusal);
    }

    /** A source name from the request, fit for a reason string: no control characters, bounded. */
    static String printable(String text) {
        String plain = PlainText.of(text);
        return plain.length() > 64 ? plain.substring(0, 64) + "…" : plain;
    }
}
