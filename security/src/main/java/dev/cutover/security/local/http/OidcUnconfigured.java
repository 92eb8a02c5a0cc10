package dev.cutover.security.local.http;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * A service given neither an issuer ({@code quarkus.oidc.auth-server-url}) nor a local public key
 * ({@code quarkus.oidc.public-key}) starts with token verification switched off - which, with every path but
 * health, metrics and webhooks requiring an authenticated caller, means it refuses every API call (401) instead of
 * failing to start or running open. Answers {@code quarkus.oidc.tenant-enabled=false} unless it is set explicitly.
 */
@Priority(Priorities.APPLICATION)
public class OidcUnconfigured implements ConfigSourceInterceptor {

    static final String ENABLED = "quarkus.oidc.tenant-enabled";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!ENABLED.equals(name) || (value != null && !isDefault(value))) {
            return value;
        }
        if (present(context, "quarkus.oidc.auth-server-url") || present(context, "quarkus.oidc.public-key")) {
            return value;
        }
        return ConfigValue.builder().withName(name).withValue("false").withConfigSourceName("cutover-oidc-unconfigured")
                .build();
    }

    /** the extension's own default ({@code true}) is not an explicit setting */
    private static boolean isDefault(ConfigValue value) {
        return value.getConfigSourceOrdinal() == Integer.MIN_VALUE
                || (value.getConfigSourceName() != null && value.getConfigSourceName().contains("Default"));
    }

    private static boolean present(ConfigSourceInterceptorContext context, String name) {
        ConfigValue v = context.proceed(name);
        return v != null && v.getValue() != null && !v.getValue().isBlank();
    }
}
