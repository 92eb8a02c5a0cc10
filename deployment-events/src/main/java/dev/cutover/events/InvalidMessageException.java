package dev.cutover.events;

/** A record that cannot become a {@link Message}: the reason goes to the dead-letter topic. */
public class InvalidMessageException extends RuntimeException {

    public InvalidMessageException(String reason) {
        super(reason);
    }

    public InvalidMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
