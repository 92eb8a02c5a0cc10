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
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** base → environment → overrides, validated and hashed. Files are read on every call, so edits apply at once. */
@Singleton
public class ConfigResolver {

    private static final Logger LOG = Logger.getLogger(ConfigResolver.class);

    private final EnvironmentFiles files;

    @Inject
    public ConfigResolver(EnvironmentSourceConfig config) {
        this(new EnvironmentFiles(config.directory().map(Path::of), ConfigResolver.class.getClassLoader()));
    }

    public ConfigResolver(EnvironmentFiles files) {
        this.files = files;
    }

    void logSources(@Observes StartupEvent ignored) {
        LOG.infof("Environments %s from %s", files.known(), files.describe());
    }

    public Resolution resolve(String environment, Map<String, Object> overrides) {
        try {
            var env = files.environment(environment);
            if (env.isEmpty()) {
                return new Resolution.Rejected(Resolution.Kind.UNKNOWN_ENVIRONMENT, "unknown environment '"
                        + environment + "' (known: " + String.join(", ", files.known()) + ")");
            }
            Map<String, Object> merged = ConfigMerge.merge(Arrays.asList(files.base().orElse(null), env.get(), overrides));
            List<String> errors = ConfigValidator.validate(merged);
            if (!errors.isEmpty()) {
                return new Resolution.Rejected(Resolution.Kind.INVALID_CONFIG,
                        "invalid configuration: " + String.join("; ", errors));
            }
            return new Resolution.Resolved(ConfigHash.of(merged), merged);
        } catch (InvalidConfigFileException e) {
            return new Resolution.Rejected(Resolution.Kind.INVALID_FILE, e.getMessage());
        }
    }
}
