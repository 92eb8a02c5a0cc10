package dev.cutover.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The default store, for a laptop or a single host. {@code secret://name} is looked up in the environment
 * variable {@code CUTOVER_SECRET_<NAME>} (upper-cased, {@code -} becomes {@code _}), then under the key
 * {@code name} in the optional secret file; {@code secret://name/version} only under the key
 * {@code name/version} in the file (an environment variable has no versions). The file must be readable by
 * its owner only, is checked when the store is created (so a bad file stops the service at startup) and is
 * read again at each resolution (so nothing outlives its use and a rotated value needs no restart).
 */
public class LocalSecretStore implements SecretStore {

    public static final String ENV_PREFIX = "CUTOVER_SECRET_";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<PosixFilePermission> NOT_FOR_OTHERS = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Map<String, String> environment;
    private final Optional<Path> file;

    /**
     * @param environment where {@code CUTOVER_SECRET_*} variables are looked up (the service's own
     *                    environment in production)
     * @throws IllegalStateException if the file is missing, unreadable or readable by others
     */
    public LocalSecretStore(Map<String, String> environment, Optional<Path> file) {
        Map<String, String> secrets = new HashMap<>();
        environment.forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX)) {
                secrets.put(k, v); // nothing else of the environment is the store's business
            }
        });
        this.environment = Map.copyOf(secrets);
        this.file = file.map(Path::toAbsolutePath);
        this.file.ifPresent(f -> {
            String problem = fileProblem(f);
            if (problem != null) {
                throw new IllegalStateException("cutover.secrets.local.file: " + problem);
            }
        });
    }

    @Override
    public String kind() {
        return "local";
    }

    /** {@code CUTOVER_SECRET_DB_PASSWORD} for {@code db-password}. */
    public static String environmentVariable(String name) {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String resolve(SecretReference reference) throws SecretStoreException {
        if (!reference.pinned()) {
            String fromEnv = environment.get(environmentVariable(reference.name()));
            if (fromEnv != null) {
                return fromEnv;
            }
        }
        String key = reference.pinned() ? reference.name() + "/" + reference.version() : reference.name();
        if (file.isPresent()) {
            String value = readFile(reference).get(key);
            if (value != null) {
                return value;
            }
        }
        throw new SecretStoreException.NotFound(reference, kind(), where(reference));
    }

    private String where(SecretReference reference) {
        String inFile = file.map(f -> "key '" + (reference.pinned() ? reference.name() + "/" + reference.version()
                : reference.name()) + "' of " + f).orElse(null);
        if (reference.pinned()) {
            return inFile == null ? "pinned versions come from cutover.secrets.local.file, which is not set"
                    : "no " + inFile;
        }
        return "no " + environmentVariable(reference.name()) + (inFile == null ? "" : " nor " + inFile);
    }

    private Map<String, String> readFile(SecretReference reference) throws SecretStoreException {
        Path f = file.orElseThrow();
        String problem = fileProblem(f);
        if (problem != null) {
            throw new SecretStoreException.Unavailable(reference, kind(), problem);
        }
        try {
            return f.getFileName().toString().endsWith(".json") ? readJson(f) : readProperties(f);
        } catch (IOException e) {
            // exception texts of parsers can quote the content: say where, never what
            throw new SecretStoreException.Unavailable(reference, kind(), "cannot read " + f + ": " + e.getMessage());
        }
    }

    /** Null if the file may be used, else why not (without its content). */
    static String fileProblem(Path f) {
        if (!Files.isRegularFile(f)) {
            return "secret file " + f + " does not exist or is not a regular file";
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(f);
        } catch (UnsupportedOperationException e) {
            return "secret file " + f + " is on a file system without POSIX permissions: its access cannot be checked";
        } catch (IOException e) {
            return "cannot read the permissions of secret file " + f + ": " + e.getMessage();
        }
        if (permissions.stream().anyMatch(NOT_FOR_OTHERS::contains)) {
            return "secret file " + f + " has permissions " + PosixFilePermissions.toString(permissions)
                    + ": it must be readable by its owner only (chmod 600)";
        }
        if (!Files.isReadable(f)) {
            return "secret file " + f + " is not readable by this user";
        }
        return null;
    }

    private static Map<String, String> readProperties(Path f) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IllegalArgumentException e) {
            throw new IOException("not a valid properties file (bad \\u escape)");
        }
        Map<String, String> values = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
        return values;
    }

    private static Map<String, String> readJson(Path f) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(f.toFile());
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new IOException("not valid JSON" + at);
        }
        if (root == null || !root.isObject()) {
            throw new IOException("not a JSON object of names to strings");
        }
        Map<String, String> values = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!e.getValue().isTextual()) {
                throw new IOException("the value of '" + e.getKey() + "' is not a string");
            }
            values.put(e.getKey(), e.getValue().textValue());
        }
        return values;
    }
}
