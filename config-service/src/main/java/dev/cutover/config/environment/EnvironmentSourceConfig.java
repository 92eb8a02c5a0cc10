package dev.cutover.config.environment;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

import java.util.List;
import java.util.Optional;

/** Where environment definitions come from. */
@ConfigMapping(prefix = "cutover.config")
public interface EnvironmentSourceConfig {

    /**
     * External folder with {@code base.yaml} and {@code environments/<name>.yaml}; a file there wins over the
     * classpath default of the same name. Unset: the defaults shipped in the service only.
     */
    Optional<String> directory();

    /**
     * Artifact URL prefixes this installation allows in every environment, on top of each environment's
     * {@code artifact.allowed-sources} (provenance: layer {@code service}); each is checked like those. The local
     * launcher passes the checkout's build folders, so the sample app it builds can be deployed. Unset: none.
     */
    @WithName("artifact.extra-allowed-sources")
    Optional<List<String>> extraAllowedSources();
}
