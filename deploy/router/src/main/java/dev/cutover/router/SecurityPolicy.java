package dev.cutover.router;

import dev.cutover.events.router.RouterAdminApi;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

import java.util.Optional;

/**
 * What the router does to all its traffic, whatever the backends answer: redirect plain HTTP to HTTPS, add
 * {@code Strict-Transport-Security} and {@code Content-Security-Policy}. Immutable; the router swaps whole
 * policies, and a request keeps the one it started with.
 */
public record SecurityPolicy(boolean httpsOnly, boolean hsts, Optional<String> csp) {

    public static final String FORWARDED_PROTO_HEADER = "X-Forwarded-Proto";
    public static final String HSTS_HEADER = "Strict-Transport-Security";
    public static final String HSTS_VALUE = "max-age=31536000; includeSubDomains";
    public static final String CSP_HEADER = "Content-Security-Policy";
    static final int MAX_CSP_LENGTH = 4096;

    public static final SecurityPolicy OFF = new SecurityPolicy(false, false, Optional.empty());

    public SecurityPolicy {
        csp = csp == null ? Optional.empty() : csp.filter(v -> !v.isBlank());
        csp.ifPresent(SecurityPolicy::checkHeaderValue);
    }

    /** The admin API's {@code PUT /security} body, validated. */
    public static SecurityPolicy of(RouterAdminApi.Security body) {
        if (body == null) {
            throw new IllegalArgumentException("body must be a JSON object {\"httpsOnly\", \"hsts\", \"csp\"}");
        }
        return new SecurityPolicy(body.httpsOnly(), body.hsts(), Optional.ofNullable(body.csp()));
    }

    public RouterAdminApi.Security asSecurity() {
        return new RouterAdminApi.Security(httpsOnly, hsts, csp.orElse(null));
    }

    /** Whether a response gets headers from this policy. */
    boolean addsHeaders() {
        return hsts || csp.isPresent();
    }

    /** Sets (replacing the backend's) the headers this policy asks for. */
    void addHeaders(MultiMap headers) {
        if (hsts) {
            headers.set(HSTS_HEADER, HSTS_VALUE);
        }
        csp.ifPresent(value -> headers.set(CSP_HEADER, value));
    }

    /**
     * Whether the client reached us over HTTPS. The router has no TLS of its own: a TLS-terminating proxy in front
     * says so in {@code X-Forwarded-Proto} (the first value, when proxies appended theirs).
     */
    static boolean arrivedOverHttps(HttpServerRequest request) {
        String proto = request.getHeader(FORWARDED_PROTO_HEADER);
        if (proto == null) {
            return false;
        }
        int comma = proto.indexOf(',');
        return (comma < 0 ? proto : proto.substring(0, comma)).trim().equalsIgnoreCase("https");
    }

    /**
     * The {@code https://} URL of the request: same host (on the standard HTTPS port), path and query; empty when the
     * request names no host.
     */
    static Optional<String> httpsUrl(HttpServerRequest request) {
        HostAndPort authority = request.authority();
        if (authority == null || authority.host() == null || authority.host().isBlank()) {
            return Optional.empty();
        }
        String host = authority.host();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]"; // an IPv6 literal
        }
        String uri = request.uri();
        return Optional.of("https://" + host + (uri.startsWith("/") ? uri : "/" + uri));
    }

    private static void checkHeaderValue(String value) {
        if (value.length() > MAX_CSP_LENGTH) {
            throw new IllegalArgumentException("csp must be at most " + MAX_CSP_LENGTH + " characters, was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("csp must be visible ASCII and spaces only (a header value), "
                        + "has character " + (int) c + " at " + i);
            }
        }
    }
}
