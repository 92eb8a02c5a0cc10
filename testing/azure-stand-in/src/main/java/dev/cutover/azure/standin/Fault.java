package dev.cutover.azure.standin;

import java.time.Duration;

/**
 * A failure the stand-in answers instead of the normal behaviour, as ARM sends it. Armed with
 * {@link Faults#next(String, String, Fault)}; {@code times}: how many matching calls get it (then the normal answer
 * comes back).
 */
public record Fault(Kind kind, int times, Duration retryAfter) {

    public enum Kind {
        /** 409 Conflict with ARM's {@code Conflict} error body (another operation is in progress on the resource). */
        CONFLICT,
        /** 429 Too Many Requests with {@code Retry-After: <seconds>}. */
        THROTTLED,
        /** 500 with {@code InternalServerError}. */
        SERVER_ERROR,
        /** 401 with {@code WWW-Authenticate: Bearer ...} and {@code AuthenticationFailed}, as ARM answers. */
        UNAUTHORIZED,
        /**
         * The call is accepted as a long-running operation (201/202 with {@code Azure-AsyncOperation} and
         * {@code Location}) whose status stays {@code InProgress} for ever.
         */
        NEVER_FINISHING
    }

    public Fault {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1");
        }
        retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
    }

    public static Fault conflict() {
        return new Fault(Kind.CONFLICT, 1, null);
    }

    public static Fault throttled(Duration retryAfter) {
        return new Fault(Kind.THROTTLED, 1, retryAfter);
    }

    public static Fault serverError() {
        return new Fault(Kind.SERVER_ERROR, 1, null);
    }

    public static Fault unauthorized() {
        return new Fault(Kind.UNAUTHORIZED, 1, null);
    }

    public static Fault neverFinishing() {
        return new Fault(Kind.NEVER_FINISHING, 1, null);
    }

    /** The same fault for the next {@code n} matching calls. */
    public Fault times(int n) {
        return new Fault(kind, n, retryAfter);
    }

    /** Until cleared (every matching call). */
    public Fault always() {
        return times(Integer.MAX_VALUE);
    }
}
