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

/**
 * base → environment → the application's own layers ({@code application:<app>}, then
 * {@code application:<app>/<environment>}) → overrides, validated and hashed. Files are read on every call, so
 * edits apply at once. An application layer declares what belongs to the application wherever it runs (its
 * {@code router.port}, {@code app.command}, its health paths); like an override it may not set the environment's
 * artifact policy.
 */
@Singleton
public class ConfigResolver {

    private static final Logger LOG = Logger.getLogger(ConfigResolver.class);

    /** The layer that adds {@code cutover.config.artifact.extra-allowed-sources} to every environment's list. */
    public static final String SERVICE_LAYER = "service";
    /** The prefix of an application's own layers: {@code application:<app>} and {@code application:<app>/<env>}. */
    public static final String APPLICATION_LAYER = "application:";

    private final EnvironmentFiles files;
    private final ConfigSchema schema;
    private final List<String> extraSources;

    @Inject
    public ConfigResolver(EnvironmentSourceConfig config) {
        this(new EnvironmentFiles(config.directory().map(Path::of), ConfigResolver.class.getClassLoader()),
                config.extraAllowedSources().orElse(List.of()));
    }

    public ConfigResolver(EnvironmentFiles files) {
        this(files, List.of());
    }

    public ConfigResolver(EnvironmentFiles files, List<String> extraSources) {
        this.files = files;
        this.schema = ConfigSchema.load(ConfigResolver.class.getClassLoader());
        // a folder given with a slash too many (".../target//") is still that folder
        this.extraSources = extraSources.stream().map(String::trim).filter(x -> !x.isEmpty())
                .map(x -> x.replaceAll("/{2,}$", "/")).toList();
    }

    /** A validator message starts with the key it is about; add which layer set that key. */
    static String withLayer(String error, Map<String, String> provenance) {
        int space = error.indexOf(' ');
        String key = space < 0 ? error : error.substring(0, space);
        return error + ConfigSchema.from(key, provenance);
    }

    void logSources(@Observes StartupEvent ignored) {
        LOG.infof("Environments %s from %s", files.known(), files.describe());
        if (!extraSources.isEmpty()) {
            LOG.infof("Artifact sources allowed in every environment besides its own: %s", extraSources);
        }
    }

    public List<String> environments() {
        return List.copyOf(files.known());
    }

    /**
     * The {@value #SERVICE_LAYER} layer: the environment's {@code artifact.allowed-sources} with the extra sources
     * appended (lists replace when merged, so the layer carries the whole list); none without extra sources.
     */
    private Layer service(Map<String, Object> baseAndEnvironment) {
        if (extraSources.isEmpty()) {
            return new Layer(SERVICE_LAYER, null);
        }
        List<Object> sources = new ArrayList<>();
        if (baseAndEnvironment.get("artifact") instanceof Map<?, ?> artifact
                && artifact.get("allowed-sources") instanceof List<?> own) {
            sources.addAll(own);
        }
        extraSources.stream().filter(x -> !sources.contains(x)).forEach(sources::add);
        return new Layer(SERVICE_LAYER, Map.of("artifact", Map.of("allowed-sources", sources)));
    }

    /** Without an application's own layers (an application that declares nothing). */
    public Resolution resolve(String environment, Map<String, Object> overrides) {
        return resolve(null, environment, overrides);
    }

    public Resolution resolve(String application, String environment, Map<String, Object> overrides) {
        try {
            var env = files.environment(environment);
            if (env.isEmpty()) {
                return new Resolution.Rejected(Resolution.Kind.UNKNOWN_ENVIRONMENT, "unknown environment '"
                        + environment + "' (known: " + String.join(", ", files.known()) + ")");
            }
            Layer base = new Layer("base", files.base().orElse(null));
            Layer environmentLayer = new Layer("environment:" + environment, env.get());
            Layer applicationLayer = new Layer(APPLICATION_LAYER + application,
                    files.application(application).orElse(null));
            Layer applicationInEnvironment = new Layer(APPLICATION_LAYER + application + "/" + environment,
                    files.application(application, environment).orElse(null));
            ConfigMerge.Merged merged = ConfigMerge.mergeWithProvenance(List.of(base, environmentLayer,
                    applicationLayer, applicationInEnvironment,
                    service(ConfigMerge.merge(java.util.Arrays.asList(base.values(), environmentLayer.values()))),
                    new Layer("overrides", overrides)));
            List<String> errors = new ArrayList<>();
            for (Layer layer : List.of(applicationLayer, applicationInEnvironment)) {
                errors.addAll(ConfigValidator.locked(layer.values(), layer.name()));
            }
            errors.addAll(ConfigValidator.lockedByOverrides(overrides));
            errors.addAll(schema.check(merged));
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
