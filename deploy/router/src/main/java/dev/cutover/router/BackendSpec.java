package dev.cutover.router;

import dev.cutover.events.router.RouterAdminApi;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of a {@code PUT /backends} request: where a backend listens and how much traffic it gets.
 * Weights are relative (0..100 each); a backend with weight 0 gets no new requests.
 */
public record BackendSpec(String id, String url, int weight, Optional<String> version) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public BackendSpec {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("backend id must match " + ID.pattern() + ", was " + quote(id));
        }
        if (weight < 0 || weight > 100) {
            throw new IllegalArgumentException("backend '" + id + "': weight must be between 0 and 100, was " + weight);
        }
        loopbackPort(id, url); // validates
        version = version == null ? Optional.empty() : version.filter(v -> !v.isBlank());
    }

    public BackendSpec(String id, String url, int weight) {
        this(id, url, weight, Optional.empty());
    }

    /** Host the router connects to: always an IP literal, so no name is ever resolved. */
    public String host() {
        String host = URI.create(url).getHost();
        return "localhost".equalsIgnoreCase(host) ? "127.0.0.1" : host.replace("[", "").replace("]", "");
    }

    public int port() {
        return loopbackPort(id, url);
    }

    /** One entry of the admin API's {@code PUT /backends}, validated. */
    public static BackendSpec of(RouterAdminApi.Backend backend) {
        if (backend == null) {
            throw new IllegalArgumentException("every backend must be an object with id, url and weight");
        }
        return new BackendSpec(backend.id(), backend.url(), backend.weight(), Optional.ofNullable(backend.version()));
    }

    /** Validates a {@code {"backends":[...]}} body: every entry valid and ids unique. */
    public static List<BackendSpec> of(RouterAdminApi.SetBackends body) {
        if (body == null || body.backends() == null) {
            throw new IllegalArgumentException("body must be a JSON object {\"backends\":[...]}");
        }
        List<BackendSpec> specs = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (RouterAdminApi.Backend backend : body.backends()) {
            BackendSpec spec = of(backend);
            if (!ids.add(spec.id())) {
                throw new IllegalArgumentException("backend ids must be unique: '" + spec.id() + "' appears twice");
            }
            specs.add(spec);
        }
        return List.copyOf(specs);
    }

    private static int loopbackPort(String id, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("backend '" + id + "': url is not a valid URI: " + quote(url));
        }
        if (!uri.isAbsolute() || !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("backend '" + id + "': url must be an absolute http:// URL, was " + quote(url));
        }
        String host = uri.getHost();
        if (!(host.equalsIgnoreCase("localhost") || host.startsWith("127.") && host.matches("[0-9.]+")
                || host.equals("[::1]"))) {
            throw new IllegalArgumentException("backend '" + id + "': the local router only forwards to loopback "
                    + "(127.x.x.x, [::1], localhost), was " + quote(url));
        }
        if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("backend '" + id + "': url must be scheme://host:port only, was " + quote(url));
        }
        return uri.getPort() == -1 ? 80 : uri.getPort();
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
