package dev.cutover.azure.standin;

import java.time.Instant;

/**
 * One call the stand-in answered, in arrival order: {@code path} without host and query, {@code apiVersion} the
 * query's {@code api-version} (null without one), {@code status} what it answered.
 */
public record Call(Instant at, String method, String path, String apiVersion, int status) {

    /** {@code "PUT /subscriptions/.../sites/shop"}: the form the call sequences are shown in. */
    public String line() {
        return method + " " + path;
    }

    /** True for the polls of a long-running operation's status (the stand-in's own operation URLs). */
    public boolean isPoll() {
        return path.toLowerCase(java.util.Locale.ROOT).contains("/providers/" + ArmStandIn.OPERATIONS_NAMESPACE.toLowerCase(java.util.Locale.ROOT) + "/");
    }

    @Override
    public String toString() {
        return line() + " -> " + status;
    }
}
