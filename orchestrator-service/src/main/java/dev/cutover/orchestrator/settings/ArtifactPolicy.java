package dev.cutover.orchestrator.settings;

import dev.cutover.orchestrator.model.PlainText;
import dev.cutover.orchestrator.model.Violation;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * The environment's artifact policy ({@code artifact.allowed-sources}, {@code artifact.require-digest}), checked once
 * the configuration is resolved and before anything is provisioned. A deployment's overrides cannot set it (the
 * config-service and the request validator refuse them), so a request cannot loosen the policy it is checked against.
 * <p>
 * An artifact is compared with each source as a canonical URL: scheme and host in lower case, the path decoded, no
 * user info, query or fragment, and no {@code .}, {@code ..} or empty segment (so {@code file:///opt/releases/../x}
 * or {@code %2e%2e} cannot climb out of an allowed directory); {@code file:/x} and {@code file:///x} are the same,
 * a plain absolute path is a {@code file:} URL (as the local provisioner reads it). A source matches at a path
 * segment boundary only: {@code file:///opt/releases} does not allow {@code /opt/releases-old/}.
 *
 * @param allowedSources URL prefixes; null: no policy in the configuration (one resolved before the policy existed),
 *                       any source
 * @param requireDigest  the request must carry the artifact's sha256
 */
public record ArtifactPolicy(List<String> allowedSources, boolean requireDigest) {

    /** What a configuration without {@code artifact.*} means: no restriction (configurations recorded before it). */
    public static final ArtifactPolicy NONE = new ArtifactPolicy(null, false);

    public ArtifactPolicy {
        allowedSources = allowedSources == null ? null : List.copyOf(allowedSources);
    }

    /**
     * The first rule {@code artifact} / {@code sha256} break, as a violation naming the request's field
     * ({@code artifact} or {@code sha256}); null when both pass.
     */
    public Violation check(String artifact, String sha256, String environment) {
        if (allowedSources != null) {
            String canonical;
            try {
                canonical = canonical(artifact);
            } catch (IllegalArgumentException e) {
                return new Violation("artifact", PlainText.of(e.getMessage()));
            }
            if (allowedSources.stream().noneMatch(source -> under(canonical, source))) {
                return new Violation("artifact", "'" + PlainText.of(artifact) + "' is not under an allowed source of "
                        + environment + " (artifact.allowed-sources: "
                        + (allowedSources.isEmpty() ? "none" : String.join(", ", allowedSources)) + ")");
            }
        }
        if (requireDigest && (sha256 == null || sha256.isBlank())) {
            return new Violation("sha256", "is required in " + environment + " (artifact.require-digest): the"
                    + " artifact's SHA-256, verified before it starts");
        }
        return null;
    }

    /** {@code canonical} is at or below {@code source} (at a segment boundary); a source that is no URL matches none. */
    static boolean under(String canonical, String source) {
        String prefix;
        try {
            prefix = canonical(source);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (!canonical.startsWith(prefix)) {
            return false;
        }
        return prefix.endsWith("/") || canonical.length() == prefix.length()
                || canonical.charAt(prefix.length()) == '/';
    }

    /**
     * {@code scheme://host[:port]/decoded/path} of a {@code file:}, {@code https:} or {@code http:} URL.
     *
     * @throws IllegalArgumentException naming what makes it no canonical artifact URL
     */
    static String canonical(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("must not be blank");
        }
        String text = url.trim();
        URI uri;
        try {
            uri = new URI(text.startsWith("/") ? "file://" + text : text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!List.of("file", "https", "http").contains(scheme)) {
            throw new IllegalArgumentException("'" + text + "' is not a file:, https: or http: URL");
        }
        if (uri.isOpaque() || uri.getPath() == null || !uri.getPath().startsWith("/")) {
            throw new IllegalArgumentException("'" + text + "' has no absolute path");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + text + "' may not carry user info, a query or a fragment");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (scheme.equals("file") && !host.isEmpty() && !host.equals("localhost")) {
            throw new IllegalArgumentException("'" + text + "' names a remote host in a file: URL");
        }
        if (!scheme.equals("file") && host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' has no host");
        }
        String path = uri.getPath();
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (segment.equals(".") || segment.equals("..") || (segment.isEmpty() && !last)) {
                throw new IllegalArgumentException("'" + text + "' is not canonical (a '.', '..' or empty segment)");
            }
        }
        String authority = scheme.equals("file") ? "" : host + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        return scheme + "://" + authority + path;
    }
}
