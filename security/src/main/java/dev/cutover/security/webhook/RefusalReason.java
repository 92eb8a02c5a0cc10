package dev.cutover.security.webhook;

/** Why a signed event was refused; its {@link #kind()} is what dead letters and problem responses carry. */
public enum RefusalReason {
    /** No signature headers at all. */
    UNSIGNED,
    /** Signature headers present but unusable: one missing, a timestamp that is not a number, an id too long... */
    MALFORMED,
    /** No signature in the header matches the body, id and timestamp under the source's key. */
    BAD_SIGNATURE,
    /** The event names no CI source, or one without a configured key. */
    UNKNOWN_SOURCE,
    /** Authentic, but its timestamp is further than the tolerance from now (older, or in the future). */
    STALE,
    /** Authentic, but an event with the same id from the same source was accepted within the tolerance window. */
    REPLAYED,
    /** The source's key cannot be read now (the secret store is unavailable): the sender may retry. */
    KEY_UNAVAILABLE,
    /** The replay guard holds as many ids as it may and none has expired: refused rather than unguarded. */
    OVERLOADED;

    /** Lower-case, dashed: {@code bad-signature}. */
    public String kind() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
