package dev.cutover.testing.security;

/**
 * Marker for a {@code QuarkusTestProfile}: {@link SecurityTestResource} then configures no token verification,
 * as if the service were started without any OIDC settings.
 */
public interface WithoutOidc {
}
