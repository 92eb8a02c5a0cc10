package dev.cutover.testing.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.cutover.security.local.LocalSigningKey;

/**
 * One signing key per test JVM, shared by every class loader (Quarkus loads test resources and test classes in
 * different ones): the key lives in an owner-only temp file whose path is the system property
 * {@value #PROPERTY}; the file is deleted when the JVM exits.
 */
public final class TestSigningKey {

    public static final String PROPERTY = "cutover.test.signing-key-file";

    private static LocalSigningKey cached;
    private static String cachedPath;

    private TestSigningKey() {
    }

    public static LocalSigningKey shared() {
        synchronized (System.getProperties()) { // one lock for all class loaders
            String path = System.getProperty(PROPERTY);
            if (path == null) {
                try {
                    Path dir = Files.createTempDirectory("cutover-test-key",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    Path file = dir.resolve(LocalSigningKey.FILE_NAME);
                    LocalSigningKey key = LocalSigningKey.loadOrCreateFile(file);
                    file.toFile().deleteOnExit();
                    dir.toFile().deleteOnExit();
                    path = file.toString();
                    System.setProperty(PROPERTY, path);
                    cached = key;
                    cachedPath = path;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (!path.equals(cachedPath)) {
                cached = LocalSigningKey.loadOrCreateFile(Path.of(path));
                cachedPath = path;
            }
            return cached;
        }
    }
}
