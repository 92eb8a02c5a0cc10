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
 * Weights are relative (0..100 each); a backend with weight 0 gets no new requests. {@code members}: the URLs of
 * every instance behind the backend ({@code url} among them; a slot running several instances), which share the
 * backend's traffic; a single-instance backend has just {@code [url]}.
 */
public record BackendSpec(String id, String url, int weight, Optional<String> version, List<String> members) {

    /** Where one member listens: an IP literal and a port. */
    public record Member(String url, String host, int port) {
    }

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
        members = members == null || members.isEmpty() ? List.of(url) : List.copyOf(checkedMembers(id, url, members));
    }

    public BackendSpec(String id, String url, int weight, Optional<String> version) {
        this(id, url, weight, version, null);
    }

    public BackendSpec(String id, String url, int weight) {
        this(id, url, weight, Optional.empty());
    }

    /** Every member's address, in the order given. */
    public List<Member> endpoints() {
        return members.stream().map(m -> new Member(m, host(m), loopbackPort(id, m))).toList();
    }

    /** Host the router connects to: always an IP literal, so no name is ever resolved. */
    public String host() {
        return host(url);
    }

    private static String host(String url) {
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
        return new BackendSpec(backend.id(), backend.url(), backend.weight(), Optional.ofNullable(backend.version()),
                backend.urls());
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

    /** Every member a loopback URL, none twice (by address), {@code url} among them. */
    private static List<String> checkedMembers(String id, String url, List<String> members) {
        Set<String> addresses = new HashSet<>();
        for (String member : members) {
            int port = loopbackPort(id, member);
            if (!addresses.add(host(member) + ":" + port)) {
                throw new IllegalArgumentException("backend '" + id + "': member urls must be unique: " + quote(member)
                        + " appears twice");
            }
        }
        if (!members.contains(url)) {
            throw new IllegalArgumentException("backend '" + id + "': url " + quote(url) + " must be one of its urls "
                    + members);
        }
        return members;
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
