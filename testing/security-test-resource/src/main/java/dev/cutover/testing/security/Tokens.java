package dev.cutover.testing.security;

import java.time.Duration;
import java.time.Instant;

import dev.cutover.security.local.LocalSigningKey;
import dev.cutover.security.local.LocalTokens;

/**
 * Tokens for service tests, signed with the test JVM's {@link TestSigningKey} - the key the
 * {@link SecurityTestResource} makes the service trust.
 *
 * <pre>
 * given().auth().oauth2(Tokens.grant("deployer", "shop", "staging")).post("/deployments")...
 * given().auth().none().get("/slots").then().statusCode(401);   // opt out of the default admin token
 * </pre>
 */
public final class Tokens {

    private Tokens() {
    }

    /** A builder on the shared key: {@code Tokens.builder().subject("bob").grant(...).mint()}. */
    public static LocalTokens builder() {
        return new LocalTokens(TestSigningKey.shared());
    }

    /** {@code cutover:admin:*:*} for subject {@code test-admin}: what every request sends unless told otherwise. */
    public static String admin() {
        return builder().subject("test-admin").grant("admin", "*", "*").mint();
    }

    /** One grant {@code cutover:<role>:<application>:<environment>}, subject {@code test-<role>}. */
    public static String grant(String role, String application, String environment) {
        return builder().subject("test-" + role).grant(role, application, environment).mint();
    }

    /** A token with the given subject and raw {@code groups} values. */
    public static String forSubject(String subject, String... groups) {
        LocalTokens t = builder().subject(subject);
        for (String g : groups) {
            t.group(g);
        }
        return t.mint();
    }

    /** An authenticated token with no cutover grant at all. */
    public static String noGrants() {
        return builder().subject("test-nobody").mint();
    }

    /** Admin grants, expired an hour ago. */
    public static String expired() {
        return builder().subject("test-admin").grant("admin", "*", "*")
                .issuedAt(Instant.now().minus(Duration.ofHours(2))).ttl(Duration.ofMinutes(15)).mint();
    }

    /** Admin grants from another issuer. */
    public static String wrongIssuer() {
        return builder().subject("test-admin").grant("admin", "*", "*").issuer("https://evil.example/").mint();
    }

    /** Admin grants for another audience. */
    public static String wrongAudience() {
        return builder().subject("test-admin").grant("admin", "*", "*").audience("not-cutover").mint();
    }

    /** Admin grants signed by a key nobody trusts. */
    public static String foreignKey() {
        return new LocalTokens(LocalSigningKey.generate()).subject("test-admin").grant("admin", "*", "*").mint();
    }
}
