package dev.cutover.healthmonitor.metrics.provider;

/** The metric source could not be read or answered something unusable; the message says what, for people. */
public class MetricsUnavailableException extends RuntimeException {

    public MetricsUnavailableException(String message) {
        super(message);
    }

    public MetricsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
