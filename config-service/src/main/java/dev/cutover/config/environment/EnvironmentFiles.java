package dev.cutover.config.environment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The YAML layers: {@code base.yaml}, {@code environments/<name>.yaml} and an application's own
 * {@code applications/<application>.yaml} (every environment) and {@code applications/<application>/<environment>.yaml}
 * (one environment), from an optional external directory
 * (wins, file by file) and the defaults shipped on the classpath under {@value #CLASSPATH_ROOT}. An environment
 * exists iff its file exists in one of the two.
 */
public final class EnvironmentFiles {

    public static final String CLASSPATH_ROOT = "cutover-config/";
    /** Classpath folders cannot be listed portably (fast-jar), so the shipped environments are named here. */
    static final List<String> SHIPPED = List.of("development", "staging", "production");
    /** Environment names become file names: no separators, no leading dot. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final ObjectMapper YAML = new YAMLMapper();

    private final Path directory;
    private final ClassLoader loader;

    public EnvironmentFiles(Optional<Path> directory, ClassLoader loader) {
        this.directory = directory.orElse(null);
        this.loader = loader;
    }

    public Optional<Map<String, Object>> base() {
        return read("base.yaml");
    }

    public Optional<Map<String, Object>> environment(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return read("environments/" + name + ".yaml");
    }

    /** What {@code application} declares for every environment ({@code applications/<application>.yaml}). */
    public Optional<Map<String, Object>> application(String application) {
        if (application == null || !NAME.matcher(application).matches()) {
            return Optional.empty();
        }
        return read("applications/" + application + ".yaml");
    }

    /** What {@code application} declares for one environment ({@code applications/<application>/<environment>.yaml}). */
    public Optional<Map<String, Object>> application(String application, String environment) {
        if (application == null || !NAME.matcher(application).matches() || environment == null
                || !NAME.matcher(environment).matches()) {
            return Optional.empty();
        }
        return read("applications/" + application + "/" + environment + ".yaml");
    }

    public SortedSet<String> known() {
        SortedSet<String> names = new TreeSet<>();
        for (String name : SHIPPED) {
            if (loader.getResource(CLASSPATH_ROOT + "environments/" + name + ".yaml") != null) {
                names.add(name);
            }
        }
        if (directory != null && Files.isDirectory(directory.resolve("environments"))) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory.resolve("environments"), "*.yaml")) {
                for (Path file : files) {
                    String name = file.getFileName().toString().replaceFirst("\\.yaml$", "");
                    if (NAME.matcher(name).matches()) {
                        names.add(name);
                    }
                }
            } catch (IOException e) {
                throw new InvalidConfigFileException("cannot list " + directory.resolve("environments"), e);
            }
        }
        return names;
    }

    public String describe() {
        return directory == null ? "classpath defaults" : directory + " over classpath defaults";
    }

    private Optional<Map<String, Object>> read(String relative) {
        if (directory != null) {
            Path file = directory.resolve(relative);
            if (Files.isRegularFile(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    return Optional.of(parse(in, relative));
                } catch (IOException e) {
                    throw new InvalidConfigFileException(relative + " cannot be read: " + e.getMessage(), e);
                }
            }
        }
        URL resource = loader.getResource(CLASSPATH_ROOT + relative);
        if (resource == null) {
            return Optional.empty();
        }
        try (InputStream in = resource.openStream()) {
            return Optional.of(parse(in, relative));
        } catch (IOException e) {
            throw new InvalidConfigFileException(relative + " cannot be read: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(InputStream in, String name) {
        Object value;
        try {
            byte[] bytes = in.readAllBytes();
            // an empty (or comment-only) file is an empty layer; Jackson rejects a document without content
            value = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).lines()
                    .allMatch(l -> l.isBlank() || l.strip().startsWith("#")) ? null : YAML.readValue(bytes, Object.class);
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0];
            throw new InvalidConfigFileException(name + " is not valid YAML: " + message, e);
        }
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new InvalidConfigFileException(name + " must be a YAML mapping", null);
        }
        return (Map<String, Object>) value;
    }
}
