package dev.cutover.security.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * GitHub's webhook signature: {@value #HEADER}: {@code sha256=<hex HMAC-SHA256 of the body>} under the webhook's
 * secret (its UTF-8 bytes, see {@link WebhookKey#parse}). GitHub signs no timestamp and no id (its
 * {@code X-GitHub-Delivery} is not signed), so replays are refused by the body's SHA-256: the same body from the
 * same source is accepted once per {@code window}. After the window an old delivery verifies again — prefer Standard
 * Webhooks where the sender supports it.
 */
public final class GitHubSignature {

    public static final String HEADER = "X-Hub-Signature-256";
    public static final String PREFIX = "sha256=";

    private final ReplayGuard guard;
    private final Clock clock;
    private final Duration window;

    public GitHubSignature(ReplayGuard guard) {
        this(guard, Clock.systemUTC(), StandardWebhooks.TOLERANCE);
    }

    public GitHubSignature(ReplayGuard guard, Clock clock, Duration window) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.window = Objects.requireNonNull(window, "window");
    }

    /** {@code sha256=<hex>} of {@code body}. */
    public static String sign(WebhookKey key, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(key.hmac(body));
    }

    /** Verifies {@code header} (the value of {@value #HEADER}, {@code null} if absent) over {@code body}. */
    public Verification verify(String header, byte[] body, WebhookKey key, String scope) {
        if (header == null) {
            return Verification.refused(RefusalReason.UNSIGNED, "no " + HEADER + " header");
        }
        if (!header.startsWith(PREFIX) || header.length() != PREFIX.length() + 64) {
            return Verification.refused(RefusalReason.MALFORMED, HEADER + " must be sha256=<64 hex digits>");
        }
        if (!MessageDigest.isEqual(sign(key, body).getBytes(StandardCharsets.US_ASCII),
                header.getBytes(StandardCharsets.US_ASCII))) {
            return Verification.refused(RefusalReason.BAD_SIGNATURE, HEADER + " does not match the body under the"
                    + " source's key");
        }
        String digest = "sha256:" + HexFormat.of().formatHex(sha256(body));
        var now = clock.instant();
        return switch (guard.admit(scope + '\n' + digest, now.plus(window), now)) {
            case FIRST -> new Verification.Accepted(digest, now);
            case REPLAYED -> Verification.refused(RefusalReason.REPLAYED, "the same body was accepted within the last "
                    + window.toSeconds() + " s");
            case FULL -> Verification.refused(RefusalReason.OVERLOADED, "too many events within the window to guard"
                    + " against replays; retry later");
        };
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
