package dev.cutover.secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalSecretStoreTest {

    private static final Map<String, String> ENV = Map.of(
            "CUTOVER_SECRET_DB_PASSWORD", "from-env",
            "CUTOVER_SECRET_API_KEY", "key-from-env");

    private static final String PROPERTIES = """
            # comments are fine
            db-password=from-file
            db-password/v1=old-from-file
            db-password/v2=new-from-file
            only-in-file=file-only
            with-equals=a=b:c
            """;

    private static final String JSON = """
            {"db-password": "from-file", "db-password/v1": "old-from-file", "db-password/v2": "new-from-file",
             "only-in-file": "file-only", "with-equals": "a=b:c"}
            """;

    @TempDir
    Path dir;

    private Path secretFile(String name, String content, String permissions) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(permissions));
        return f;
    }

    private Path propertiesFile() throws IOException {
        return secretFile("secrets.properties", PROPERTIES, "rw-------");
    }

    private static SecretReference ref(String value) {
        return SecretReference.parse("VAR", value);
    }

    static Stream<Arguments> lookups() {
        return Stream.of(
                Arguments.of("secret://db-password", "from-env"), // the environment comes before the file
                Arguments.of("secret://api-key", "key-from-env"),
                Arguments.of("secret://API-KEY", "key-from-env"), // names are case-insensitive, as in Key Vault
                Arguments.of("secret://only-in-file", "file-only"),
                Arguments.of("secret://db-password/v1", "old-from-file"), // pinned: only the file has versions
                Arguments.of("secret://db-password/v2", "new-from-file"),
                Arguments.of("secret://with-equals", "a=b:c"));
    }

    /** Every lookup against a properties file and against a JSON file of the same secrets. */
    static Stream<Arguments> lookupsInEachFormat() {
        return Stream.of("properties", "json").flatMap(format -> lookups().map(a -> Arguments.of(format, a.get()[0], a.get()[1])));
    }

    @ParameterizedTest(name = "{0}: {1} → {2}")
    @MethodSource("lookupsInEachFormat")
    void resolvesFromEnvironmentAndFile(String format, String reference, String expected) throws Exception {
        Path file = format.equals("json") ? secretFile("secrets.json", JSON, "r--------") : propertiesFile();
        assertEquals(expected, new LocalSecretStore(ENV, Optional.of(file)).resolve(ref(reference)));
    }

    @Test
    void unpinnedReferenceTakesTheFileWhenTheEnvironmentHasNone() throws Exception {
        LocalSecretStore store = new LocalSecretStore(Map.of(), Optional.of(secretFile("s.properties", PROPERTIES, "rw-------")));
        assertEquals("from-file", store.resolve(ref("secret://db-password")));
    }

    static Stream<Arguments> missing() {
        return Stream.of(
                Arguments.of("secret://nope", "secret 'nope' not found in local (no CUTOVER_SECRET_NOPE nor key 'nope' of"),
                Arguments.of("secret://db-password/v3", "secret 'db-password' version 'v3' not found in local (no key 'db-password/v3' of"),
                Arguments.of("secret://api-key/v1", "secret 'api-key' version 'v1' not found in local"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("missing")
    void missingSecretIsNotFound(String reference, String message) throws Exception {
        LocalSecretStore store = new LocalSecretStore(ENV, Optional.of(propertiesFile()));
        SecretStoreException e = assertThrows(SecretStoreException.NotFound.class, () -> store.resolve(ref(reference)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertTrue(e.configurationError());
    }

    @Test
    void withoutAFileOnlyTheEnvironmentCountsAndPinnedVersionsAreNotFound() throws Exception {
        LocalSecretStore store = new LocalSecretStore(ENV, Optional.empty());
        assertEquals("from-env", store.resolve(ref("secret://db-password")));
        assertEquals("secret 'nope' not found in local (no CUTOVER_SECRET_NOPE)",
                assertThrows(SecretStoreException.NotFound.class, () -> store.resolve(ref("secret://nope"))).getMessage());
        assertTrue(assertThrows(SecretStoreException.NotFound.class, () -> store.resolve(ref("secret://db-password/v1")))
                .getMessage().contains("pinned versions come from cutover.secrets.local.file, which is not set"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----", "rwx---r-x", "rw-----w-"})
    void aFileOthersCanAccessIsRefusedAtStartup(String permissions) throws Exception {
        Path f = secretFile("secrets.properties", PROPERTIES, permissions);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new LocalSecretStore(ENV, Optional.of(f)));
        assertEquals("cutover.secrets.local.file: secret file " + f + " has permissions " + permissions
                + ": it must be readable by its owner only (chmod 600)", e.getMessage());
        assertFalse(e.getMessage().contains("from-file"));
    }

    @Test
    void aFileThatBecomesReadableByOthersIsRefusedAtResolution() throws Exception {
        Path f = propertiesFile();
        LocalSecretStore store = new LocalSecretStore(Map.of(), Optional.of(f));
        assertEquals("from-file", store.resolve(ref("secret://db-password")));

        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-r--"));
        SecretStoreException e = assertInstanceOf(SecretStoreException.Unavailable.class,
                assertThrows(SecretStoreException.class, () -> store.resolve(ref("secret://db-password"))));
        assertTrue(e.getMessage().contains("has permissions rw-rw-r--: it must be readable by its owner only"), e.getMessage());
        assertFalse(e.getMessage().contains("from-file"));
    }

    @Test
    void aMissingFileIsRefusedAtStartup() {
        Path f = dir.resolve("nowhere.properties");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new LocalSecretStore(ENV, Optional.of(f)));
        assertTrue(e.getMessage().contains(f + " does not exist"), e.getMessage());
    }

    @Test
    void aRotatedValueIsReadWithoutRestart() throws Exception {
        Path f = secretFile("secrets.properties", "token=first\n", "rw-------");
        LocalSecretStore store = new LocalSecretStore(Map.of(), Optional.of(f));
        assertEquals("first", store.resolve(ref("secret://token")));
        Files.writeString(f, "token=second\n");
        assertEquals("second", store.resolve(ref("secret://token")));
    }

    @Test
    void brokenJsonIsReportedWithoutItsContent() throws Exception {
        Path f = secretFile("secrets.json", "{\"token\": \"s3cr3t-value\" \"oops\"}", "rw-------");
        LocalSecretStore store = new LocalSecretStore(Map.of(), Optional.of(f));
        SecretStoreException e = assertThrows(SecretStoreException.Unavailable.class, () -> store.resolve(ref("secret://token")));
        assertTrue(e.getMessage().contains("not valid JSON (line 1, column"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        assertFalse(e.getMessage().contains("oops"), e.getMessage());

        Files.writeString(f, "{\"token\": 42}");
        assertTrue(assertThrows(SecretStoreException.Unavailable.class, () -> store.resolve(ref("secret://token")))
                .getMessage().contains("the value of 'token' is not a string"));
    }

    @Test
    void environmentVariableNames() {
        assertEquals("CUTOVER_SECRET_DB_PASSWORD", LocalSecretStore.environmentVariable("db-password"));
        assertEquals("CUTOVER_SECRET_A1_B2", LocalSecretStore.environmentVariable("A1-b2"));
    }
}
