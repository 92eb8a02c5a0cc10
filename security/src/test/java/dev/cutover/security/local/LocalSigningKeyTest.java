package dev.cutover.security.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSigningKeyTest {

    @TempDir
    Path dir;

    @Test
    void firstStartCreatesAnOwnerOnlyKeyFileAndLaterStartsReuseIt() throws Exception {
        LocalSigningKey created = LocalSigningKey.loadOrCreate(dir);
        Path file = dir.resolve(LocalSigningKey.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        LocalSigningKey again = LocalSigningKey.loadOrCreate(dir);
        assertEquals(created.publicKeyBase64(), again.publicKeyBase64());
        assertEquals(created.keyId(), again.keyId());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp file is left behind");
        }
    }

    @Test
    void aKeyFileOthersCanReadIsRefused() throws Exception {
        LocalSigningKey.loadOrCreate(dir);
        Path file = dir.resolve(LocalSigningKey.FILE_NAME);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThrows(IllegalStateException.class, () -> LocalSigningKey.loadOrCreate(dir));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
        assertThrows(IllegalStateException.class, () -> LocalSigningKey.loadOrCreate(dir));
    }

    @Test
    void theExportedPublicKeyIsAnX509RsaKeyWithoutThePrivateHalf() throws Exception {
        LocalSigningKey key = LocalSigningKey.generate();
        byte[] der = Base64.getDecoder().decode(key.publicKeyBase64());
        var publicKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        assertEquals(key.publicKey(), publicKey);
        assertFalse(key.toString().contains(key.publicKeyBase64()));
        assertTrue(key.toString().contains(key.keyId()));
    }
}
