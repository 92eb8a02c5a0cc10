package dev.cutover.security.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A CI source's HMAC-SHA256 key. Standard Webhooks keys are written {@code whsec_<base64 of the key bytes>}; any
 * other text (a GitHub webhook secret) is the UTF-8 bytes of the text. {@link #toString()} never shows the key.
 */
public final class WebhookKey {

    public static final String PREFIX = "whsec_";
    static final String HMAC = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;

    private WebhookKey(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty webhook key");
        }
        this.bytes = bytes;
    }

    /**
     * {@code whsec_<base64>} (Standard Webhooks) or a plain secret (GitHub: its UTF-8 bytes).
     *
     * @throws IllegalArgumentException if empty, or {@code whsec_} followed by no valid base64 (the message never
     *                                  contains the text)
     */
    public static WebhookKey parse(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("empty webhook key");
        }
        String text = secret.strip();
        if (text.startsWith(PREFIX)) {
            try {
                return new WebhookKey(Base64.getDecoder().decode(text.substring(PREFIX.length())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("webhook key starts with whsec_ but is not base64");
            }
        }
        return new WebhookKey(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A new random 32-byte key, written {@code whsec_<base64>} (to put in a secret store). */
    public static String generate() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** HMAC-SHA256 of the parts, in order. */
    byte[] hmac(byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(bytes, HMAC));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebhookKey other && java.security.MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "WebhookKey[redacted]";
    }
}
