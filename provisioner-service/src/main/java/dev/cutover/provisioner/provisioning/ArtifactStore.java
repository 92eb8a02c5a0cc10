package dev.cutover.provisioner.provisioning;

import dev.cutover.provisioner.slot.LocalTargetProvider;
import dev.cutover.provisioner.slot.ProvisioningException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The provisioner's artifact cache ({@code <work-dir>/artifacts}, owner-only): an artifact is copied ({@code file:})
 * or downloaded ({@code https:}, {@code http:}; redirects are not followed, so an allowed source cannot hand the
 * download to another host) into it while its SHA-256 is computed, and compared with the request's {@code sha256}
 * before anything is started. A mismatch is a configuration failure naming {@code sha256}; the copy is deleted and
 * nothing runs. The verified copy ({@code <sha256>/<file name>}) is what a local instance runs, so the file cannot
 * change between the check and the start.
 */
public class ArtifactStore {

    private static final Logger LOG = Logger.getLogger(ArtifactStore.class);

    /** What was fetched: the local copy (or the artifact's own file, when nothing had to be verified). */
    public record Fetched(Path file, String sha256) {
    }

    private final Path cache;
    private final HttpClient http;
    private final Duration downloadTimeout;

    public ArtifactStore(Path cache) {
        this(cache, Duration.ofMinutes(5));
    }

    public ArtifactStore(Path cache, Duration downloadTimeout) {
        this.cache = cache;
        this.downloadTimeout = downloadTimeout;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Whether {@code artifact} is fetched over HTTP (a local instance cannot run it from where it is). */
    public static boolean remote(String artifact) {
        String scheme = scheme(artifact);
        return scheme.equals("https") || scheme.equals("http");
    }

    /**
     * {@code artifact} checked against {@code expectedSha256} (hex; null: nothing to check). A local file without a
     * digest is returned as it is (no copy); anything else comes from the cache.
     *
     * @throws ProvisioningException a configuration failure for a mismatch, an unknown scheme, a missing file or a
     *                               download the source refuses (4xx); infrastructure / network otherwise
     */
    public Fetched fetch(String artifact, String expectedSha256) throws ProvisioningException {
        String expected = expectedSha256 == null || expectedSha256.isBlank() ? null
                : expectedSha256.toLowerCase(Locale.ROOT);
        if (!remote(artifact)) {
            Path source;
            try {
                source = LocalTargetProvider.artifactPath(artifact);
            } catch (ProvisioningException e) {
                throw ProvisioningException.configuration(e.getMessage());
            }
            if (expected == null) {
                return new Fetched(source, null);
            }
            try (InputStream in = Files.newInputStream(source)) {
                return store(in, fileName(source.getFileName().toString()), expected, describe(artifact),
                        Files.isExecutable(source));
            } catch (IOException e) {
                throw new ProvisioningException("artifact " + describe(artifact) + " cannot be read: " + e.getMessage());
            }
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(artifact)).timeout(downloadTimeout).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ProvisioningException("artifact " + describe(artifact) + " cannot be downloaded: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("interrupted while downloading artifact " + describe(artifact));
        } catch (IllegalArgumentException e) {
            throw ProvisioningException.configuration("artifact " + describe(artifact) + " is not a URL");
        }
        try (InputStream in = response.body()) {
            int status = response.statusCode();
            if (status >= 400 && status < 500 || status >= 300 && status < 400) {
                throw ProvisioningException.configuration("artifact " + describe(artifact) + " answered " + status
                        + (status < 400 ? " (a redirect: not followed; give the artifact's own URL)" : ""));
            }
            if (status != 200) {
                throw new ProvisioningException("artifact " + describe(artifact) + " answered " + status);
            }
            String path = URI.create(artifact).getPath();
            String name = fileName(path == null ? "" : path.substring(path.lastIndexOf('/') + 1));
            return store(in, name, expected, describe(artifact), true);
        } catch (IOException e) {
            throw new ProvisioningException("artifact " + describe(artifact) + " download failed: " + e, e);
        }
    }

    /** Copies {@code in} into the cache while hashing it; kept as {@code <sha256>/<name>} when it is what was expected. */
    private Fetched store(InputStream in, String name, String expected, String shown, boolean executable)
            throws ProvisioningException, IOException {
        createPrivate(cache);
        Path partial = Files.createTempFile(cache, "fetch-", ".partial");
        try {
            MessageDigest digest = sha256();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), digest)) {
                in.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (expected != null && !expected.equals(actual)) {
                throw ProvisioningException.configuration("sha256 mismatch: artifact " + shown + " has SHA-256 "
                        + actual + ", the request's sha256 is " + expected + "; nothing was started");
            }
            Path dir = cache.resolve(actual);
            createPrivate(dir);
            Path file = dir.resolve(name);
            if (executable) {
                partial.toFile().setExecutable(true, true);
            }
            try {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
            }
            LOG.infof("Artifact %s verified (sha256 %s)%s", shown, actual, expected == null ? " (no digest given)" : "");
            return new Fetched(file, actual);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static void createPrivate(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not POSIX: the work dir's own permissions apply
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The last path segment as a safe file name (a jar stays a jar: the local provider runs it with java -jar). */
    private static String fileName(String raw) {
        String name = raw.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() || name.startsWith(".") ? "artifact" + name : name;
    }

    private static String scheme(String artifact) {
        int colon = artifact == null ? -1 : artifact.indexOf(':');
        return colon < 0 ? "" : artifact.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    /** The artifact as it may be shown: no user info, query or fragment (they may carry a token). */
    static String describe(String artifact) {
        try {
            URI u = URI.create(artifact);
            if (u.getScheme() == null || u.isOpaque() && !"file".equalsIgnoreCase(u.getScheme())) {
                return artifact.replaceAll("[?#].*$", "");
            }
            if (u.isOpaque()) {
                return artifact.replaceAll("[?#].*$", "");
            }
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
        } catch (RuntimeException | java.net.URISyntaxException e) {
            return "(unparseable artifact URL)";
        }
    }
}
