package dev.cutover.security.webhook;

import java.time.Instant;
import java.util.Objects;

/** The outcome of verifying a signed event: {@link Accepted} or {@link Refused}. */
public sealed interface Verification {

    boolean accepted();

    /** An authentic event seen for the first time. {@code id} is the event's id (GitHub: the body's digest). */
    record Accepted(String id, Instant timestamp) implements Verification {
        @Override
        public boolean accepted() {
            return true;
        }
    }

    /**
     * A refused event. {@code detail} is a short explanation that never contains the key, a signature or the body
     * (only our own words and lengths), safe for logs and dead letters.
     */
    record Refused(RefusalReason reason, String detail) implements Verification {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            detail = detail == null ? "" : detail;
        }

        @Override
        public boolean accepted() {
            return false;
        }

        /** {@code <kind>: <detail>}, e.g. {@code stale: timestamp 412 s old (tolerance 300 s)}. */
        public String describe() {
            return detail.isEmpty() ? reason.kind() : reason.kind() + ": " + detail;
        }
    }

    static Refused refused(RefusalReason reason, String detail) {
        return new Refused(reason, detail);
    }
}
