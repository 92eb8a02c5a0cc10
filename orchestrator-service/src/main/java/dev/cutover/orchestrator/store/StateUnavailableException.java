package dev.cutover.orchestrator.store;

/**
 * The state topic cannot take a write now (the broker is away or did not acknowledge in time): nothing was saved, so
 * nothing may be announced or acted on; the caller may try again later (REST: 503 with Retry-After).
 */
public class StateUnavailableException extends IllegalStateException {

    public StateUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
