package dev.cutover.testing.security;

import java.util.Map;

import dev.cutover.security.local.LocalTokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Makes every {@code @QuarkusTest} of a module verify bearer tokens the way the embedded stack does: the test
 * JVM's {@link TestSigningKey} as {@code quarkus.oidc.public-key}, issuer {@value LocalTokens#ISSUER}, audience
 * {@value LocalTokens#AUDIENCE}. Registered through {@code META-INF/services}, so a module only needs the test
 * dependency - no annotation. {@link DefaultAdminToken} makes RestAssured send {@link Tokens#admin()} unless a
 * request says otherwise ({@code given().auth().oauth2(other)} / {@code given().auth().none()}).
 * <p>
 * A test profile implementing {@link WithoutOidc} gets no verification settings at all (to prove a service
 * without OIDC configuration refuses every call).
 */
public class SecurityTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String PUBLIC_KEY = "quarkus.oidc.public-key";
    public static final String ISSUER = "quarkus.oidc.token.issuer";
    public static final String AUDIENCE = "quarkus.oidc.token.audience";

    private boolean withoutOidc;

    @Override
    public void setContext(Context context) {
        String profile = context.testProfile();
        if (profile != null) {
            try {
                withoutOidc = WithoutOidc.class.isAssignableFrom(
                        Class.forName(profile, false, Thread.currentThread().getContextClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                withoutOidc = profile.contains("WithoutOidc");
            }
        }
    }

    @Override
    public Map<String, String> start() {
        if (withoutOidc) {
            return Map.of();
        }
        return Map.of(PUBLIC_KEY, TestSigningKey.shared().publicKeyBase64(), ISSUER, LocalTokens.ISSUER, AUDIENCE,
                LocalTokens.AUDIENCE);
    }

    @Override
    public void stop() {
        // the key file is deleted when the test JVM exits
    }
}
