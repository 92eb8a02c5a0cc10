package dev.cutover.security.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * <a href="https://www.standardwebhooks.com">Standard Webhooks</a> signatures. An event carries three headers:
 * {@value #ID} (unique per event), {@value #TIMESTAMP} (seconds since the epoch) and {@value #SIGNATURE}: one or
 * more space-separated {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}; the event is authentic if any
 * {@code v1} signature matches (several allow key rotation).
 *
 * <pre>
 * Map&lt;String, String&gt; headers = StandardWebhooks.sign(WebhookKey.parse("whsec_..."), body);
 * Verification v = new StandardWebhooks(new ReplayGuard()).verify(headers::get, body, key, "ci-source-name");
 * </pre>
 *
 * Verification order: headers present ({@link RefusalReason#UNSIGNED}, {@link RefusalReason#MALFORMED}), signature
 * ({@link RefusalReason#BAD_SIGNATURE}), timestamp within {@link #TOLERANCE} of now either way
 * ({@link RefusalReason#STALE}), id not seen from that scope within the window ({@link RefusalReason#REPLAYED}).
 * Only authentic, fresh events are remembered, so a forged event can never burn an id.
 */
public final class StandardWebhooks {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";
    public static final String VERSION = "v1";
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    /** Longest id accepted (Standard Webhooks ids are short, e.g. {@code msg_2KWPBgLlAfxdpx2AI54pPJ85f4W}). */
    public static final int MAX_ID_LENGTH = 256;
    /** Most signatures read from one header. */
    public static final int MAX_SIGNATURES = 8;

    private static final Pattern ID_CHARS = Pattern.compile("[\\x21-\\x7E]+");
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,12}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReplayGuard guard;
    private final Clock clock;
    private final Duration tolerance;

    public StandardWebhooks(ReplayGuard guard) {
        this(guard, Clock.systemUTC(), TOLERANCE);
    }

    public StandardWebhooks(ReplayGuard guard, Clock clock, Duration tolerance) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
    }

    /** Signs {@code body} with a new id ({@code msg_<random>}) and the current time. */
    public static Map<String, String> sign(WebhookKey key, byte[] body) {
        return sign(key, newId(), Instant.now(), body);
    }

    /** The three headers, in order {@value #ID}, {@value #TIMESTAMP}, {@value #SIGNATURE}. */
    public static Map<String, String> sign(WebhookKey key, String id, Instant timestamp, byte[] body) {
        String seconds = Long.toString(timestamp.getEpochSecond());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ID, id);
        headers.put(TIMESTAMP, seconds);
        headers.put(SIGNATURE, signature(key, id, seconds, body));
        return headers;
    }

    /** {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}. */
    public static String signature(WebhookKey key, String id, String timestamp, byte[] body) {
        byte[] dot = {'.'};
        byte[] mac = key.hmac(id.getBytes(StandardCharsets.UTF_8), dot, timestamp.getBytes(StandardCharsets.UTF_8),
                dot, body);
        return VERSION + "," + Base64.getEncoder().encodeToString(mac);
    }

    /** A new event id, {@code msg_} and 20 random bytes in URL-safe base64. */
    public static String newId() {
        byte[] random = new byte[20];
        RANDOM.nextBytes(random);
        return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * Verifies an event and, if authentic and fresh, remembers its id under {@code scope}.
     *
     * @param headers header value by name ({@code null} if absent). On Kafka pass an exact lookup (names are the
     *                lower-case ones of the spec); on HTTP a case-insensitive one, as HTTP names are.
     * @param scope   who the ids belong to (the CI source): the same id from two sources is two events
     */
    public Verification verify(Function<String, String> headers, byte[] body, WebhookKey key, String scope) {
        String id = headers.apply(ID);
        String timestamp = headers.apply(TIMESTAMP);
        String signatures = headers.apply(SIGNATURE);
        if (id == null && timestamp == null && signatures == null) {
            return Verification.refused(RefusalReason.UNSIGNED, "no " + ID + ", " + TIMESTAMP + " or " + SIGNATURE
                    + " header");
        }
        if (id == null || timestamp == null || signatures == null) {
            return Verification.refused(RefusalReason.MALFORMED, "missing "
                    + (id == null ? ID : timestamp == null ? TIMESTAMP : SIGNATURE) + " header");
        }
        if (id.length() > MAX_ID_LENGTH || !ID_CHARS.matcher(id).matches()) {
            return Verification.refused(RefusalReason.MALFORMED, ID + " must be 1-" + MAX_ID_LENGTH
                    + " visible ASCII characters");
        }
        if (!SECONDS.matcher(timestamp).matches()) {
            return Verification.refused(RefusalReason.MALFORMED, TIMESTAMP + " must be seconds since the epoch");
        }
        if (!matches(signatures, signature(key, id, timestamp, body))) {
            return Verification.refused(RefusalReason.BAD_SIGNATURE, "no " + VERSION
                    + " signature matches the event under the source's key");
        }
        Instant sent = Instant.ofEpochSecond(Long.parseLong(timestamp));
        Instant now = clock.instant();
        Duration age = Duration.between(sent, now);
        if (age.compareTo(tolerance) > 0 || age.negated().compareTo(tolerance) > 0) {
            return Verification.refused(RefusalReason.STALE, "timestamp " + Math.abs(age.toSeconds()) + " s "
                    + (age.isNegative() ? "in the future" : "old") + " (tolerance " + tolerance.toSeconds() + " s)");
        }
        return switch (guard.admit(scope + '\n' + id, sent.plus(tolerance), now)) {
            case FIRST -> new Verification.Accepted(id, sent);
            case REPLAYED -> Verification.refused(RefusalReason.REPLAYED, "an event with this " + ID
                    + " was accepted within the last " + tolerance.toSeconds() + " s");
            case FULL -> Verification.refused(RefusalReason.OVERLOADED, "too many events within the tolerance"
                    + " window to guard against replays; retry later");
        };
    }

    /** Whether one of the header's space-separated signatures is exactly {@code expected} (constant-time). */
    static boolean matches(String header, String expected) {
        byte[] wanted = expected.getBytes(StandardCharsets.US_ASCII);
        boolean found = false;
        int read = 0;
        for (String candidate : header.split(" ")) {
            if (candidate.isEmpty()) {
                continue;
            }
            if (++read > MAX_SIGNATURES) {
                break;
            }
            // comparing the text (not decoded bytes) leaves no second spelling of a valid signature
            found |= MessageDigest.isEqual(wanted, candidate.getBytes(StandardCharsets.US_ASCII));
        }
        return found;
    }
}
