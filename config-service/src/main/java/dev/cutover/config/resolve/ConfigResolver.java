package dev.cutover.config.resolve;

import dev.cutover.config.environment.EnvironmentFiles;
import dev.cutover.config.environment.EnvironmentSourceConfig;
import dev.cutover.config.environment.InvalidConfigFileException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** base → environment → overrides, validated and hashed. Files are read on every call, so edits apply at once. */
@Singleton
public class ConfigResolver {

    private static final Logger LOG = Logger.getLogger(ConfigResolver.class);

    private final EnvironmentFiles files;
    private final ConfigSchema schema;

    @Inject
    public ConfigResolver(EnvironmentSourceConfig config) {
        this(new EnvironmentFiles(config.directory().map(Path::of), ConfigResolver.class.getClassLoader()));
    }

    public ConfigResolver(EnvironmentFiles files) {
        this.files = files;
        this.schema = ConfigSchema.load(ConfigResolver.class.getClassLoader());
    }

    /** A validator message starts with the key it is about; add which layer set that key. */
    static String withLayer(String error, Map<String, String> provenance) {
        int space = error.indexOf(' ');
        String key = space < 0 ? error : error.substring(0, space);
        return error + ConfigSchema.from(key, provenance);
    }

    void logSources(@Observes StartupEvent ignored) {
        LOG.infof("Environments %s from %s", files.known(), files.describe());
    }

    public List<String> environments() {
        return List.copyOf(files.known());
    }

    public Resolution resolve(String environment, Map<String, Object> overrides) {
        try {
            var env = files.environment(environment);
            if (env.isEmpty()) {
                return new Resolution.Rejected(Resolution.Kind.UNKNOWN_ENVIRONMENT, "unknown environment '"
                        + environment + "' (known: " + String.join(", ", files.known()) + ")");
            }
            ConfigMerge.Merged merged = ConfigMerge.mergeWithProvenance(List.of(
                    new Layer("base", files.base().orElse(null)),
                    new Layer("environment:" + environment, env.get()),
                    new Layer("overrides", overrides)));
            List<String> errors = new ArrayList<>(schema.check(merged));
            for (String error : ConfigValidator.validate(merged.config())) {
                errors.add(withLayer(error, merged.provenance()));
            }
            if (!errors.isEmpty()) {
                return new Resolution.Rejected(Resolution.Kind.INVALID_CONFIG,
                        "invalid configuration: " + String.join("; ", errors));
            }
            return new Resolution.Resolved(ConfigHash.of(merged.config()), merged.config(), merged.provenance());
        } catch (InvalidConfigFileException e) {
            return new Resolution.Rejected(Resolution.Kind.INVALID_FILE, e.getMessage());
        }
    }
}
