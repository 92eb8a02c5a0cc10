package dev.cutover.config.environment;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** Where environment definitions come from. */
@ConfigMapping(prefix = "cutover.config")
public interface EnvironmentSourceConfig {

    /**
     * External folder with {@code base.yaml} and {@code environments/<name>.yaml}; a file there wins over the
     * classpath default of the same name. Unset: the defaults shipped in the service only.
     */
    Optional<String> directory();
}
