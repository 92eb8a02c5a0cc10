package dev.cutover.security.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.lang.JoseException;

/**
 * The embedded stack's token signing key: an RSA 2048 key pair kept as a JWK in one owner-only file
 * ({@code rw-------}). {@link #loadOrCreate(Path)} creates it on first start and refuses a key file that anyone
 * but its owner can read or write. The services verify tokens with {@link #publicKeyBase64()} (the value of
 * {@code quarkus.oidc.public-key}); the private half never leaves this object and the file.
 */
public final class LocalSigningKey {

    /** File name of the key inside the launcher's work directory. */
    public static final String FILE_NAME = "signing-key.jwk";

    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final RsaJsonWebKey jwk;

    private LocalSigningKey(RsaJsonWebKey jwk) {
        this.jwk = jwk;
    }

    /** A fresh key held in memory only (tests). */
    public static LocalSigningKey generate() {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("cutover-local-" + Long.toHexString(System.nanoTime()));
            key.setAlgorithm("RS256");
            return new LocalSigningKey(key);
        } catch (JoseException e) {
            throw new IllegalStateException("cannot generate the signing key", e);
        }
    }

    /** Reads {@code dir/signing-key.jwk}, creating it (owner-only) when it does not exist yet. */
    public static LocalSigningKey loadOrCreate(Path dir) {
        return loadOrCreateFile(dir.resolve(FILE_NAME));
    }

    /** Reads the key file, creating it (owner-only) when it does not exist yet. */
    public static LocalSigningKey loadOrCreateFile(Path file) {
        try {
            if (Files.exists(file)) {
                return load(file);
            }
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            LocalSigningKey key = generate();
            byte[] json = key.jwk.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE).getBytes(StandardCharsets.UTF_8);
            Path tmp = Files.createTempFile(parent, ".signing-key", ".tmp",
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            try {
                Files.write(tmp, json);
                try {
                    Files.move(tmp, file); // no replace: another process may have won the race
                } catch (FileAlreadyExistsException raced) {
                    return load(file);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the signing key file " + file, e);
        }
    }

    private static LocalSigningKey load(Path file) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new IllegalStateException("refusing the signing key file " + file + ": its permissions are "
                    + PosixFilePermissions.toString(perms) + ", expected rw------- (chmod 600)");
        }
        try {
            PublicJsonWebKey key = PublicJsonWebKey.Factory.newPublicJwk(Files.readString(file));
            if (!(key instanceof RsaJsonWebKey rsa) || key.getPrivateKey() == null) {
                throw new IllegalStateException("the signing key file " + file + " holds no RSA private key");
            }
            return new LocalSigningKey(rsa);
        } catch (JoseException e) {
            throw new IllegalStateException("the signing key file " + file + " is not a JWK", e);
        }
    }

    /** Base64 (X.509 SubjectPublicKeyInfo) public key: the value of {@code quarkus.oidc.public-key}. */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(jwk.getPublicKey().getEncoded());
    }

    public PublicKey publicKey() {
        return jwk.getPublicKey();
    }

    public String keyId() {
        return jwk.getKeyId();
    }

    PrivateKey privateKey() {
        return jwk.getPrivateKey();
    }

    @Override
    public String toString() {
        return "LocalSigningKey[" + keyId() + "]"; // never the key material
    }
}
