package dev.cutover.events;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What a deployment changes: one application in one environment. Its {@link #key()} is the Kafka
 * key of every message about it, so they stay ordered and one consumer owns a target at a time.
 */
public record Target(String application, String environment) {

    @JsonIgnore
    public String key() {
        return application + "/" + environment;
    }

    public static Target parse(String key) {
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            throw new IllegalArgumentException("target key must be application/environment: " + key);
        }
        return new Target(key.substring(0, slash), key.substring(slash + 1));
    }

    @Override
    public String toString() {
        return key();
    }
}
