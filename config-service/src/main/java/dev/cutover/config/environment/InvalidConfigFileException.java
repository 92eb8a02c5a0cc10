package dev.cutover.config.environment;

/** A configuration file exists but cannot be used (not YAML, not a mapping, unreadable). */
public class InvalidConfigFileException extends RuntimeException {

    public InvalidConfigFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
