package dev.cutover.security.local;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Mints short-lived bearer tokens signed with a {@link LocalSigningKey}: issuer {@value #ISSUER}, audience
 * {@value #AUDIENCE}, a subject, and a {@code groups} claim of grants {@code cutover:<role>:<application>:<environment>}
 * ({@code *} = any). Default lifetime {@link #DEFAULT_TTL}.
 *
 * <pre>
 * String jwt = new LocalTokens(key).subject("alice").grant("deployer", "shop", "staging").mint();
 * </pre>
 */
public final class LocalTokens {

    public static final String ISSUER = "cutover-local";
    public static final String AUDIENCE = "cutover";
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);
    public static final String GROUPS_CLAIM = "groups";

    private final LocalSigningKey key;
    private String issuer = ISSUER;
    private String audience = AUDIENCE;
    private String subject = "cutover-local-admin";
    private final List<String> groups = new ArrayList<>();
    private Duration ttl = DEFAULT_TTL;
    private Instant issuedAt;

    public LocalTokens(LocalSigningKey key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    /** The grant string {@code cutover:<role>:<application>:<environment>}. */
    public static String grantClaim(String role, String application, String environment) {
        return "cutover:" + role + ":" + application + ":" + environment;
    }

    public LocalTokens subject(String subject) {
        this.subject = Objects.requireNonNull(subject, "subject");
        return this;
    }

    public LocalTokens issuer(String issuer) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        return this;
    }

    public LocalTokens audience(String audience) {
        this.audience = Objects.requireNonNull(audience, "audience");
        return this;
    }

    public LocalTokens grant(String role, String application, String environment) {
        return group(grantClaim(role, application, environment));
    }

    /** Adds one raw {@code groups} value. */
    public LocalTokens group(String group) {
        groups.add(Objects.requireNonNull(group, "group"));
        return this;
    }

    public LocalTokens ttl(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        this.ttl = ttl;
        return this;
    }

    /** Backdates the token (tests: {@code issuedAt(now - 1h)} with the default ttl is an expired token). */
    public LocalTokens issuedAt(Instant issuedAt) {
        this.issuedAt = issuedAt;
        return this;
    }

    /** The signed compact JWT. */
    public String mint() {
        Instant iat = issuedAt != null ? issuedAt : Instant.now();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(audience);
        claims.setSubject(subject);
        claims.setClaim("preferred_username", subject);
        claims.setIssuedAt(NumericDate.fromMilliseconds(iat.toEpochMilli()));
        claims.setNotBefore(NumericDate.fromMilliseconds(iat.minusSeconds(5).toEpochMilli()));
        claims.setExpirationTime(NumericDate.fromMilliseconds(iat.plus(ttl).toEpochMilli()));
        claims.setGeneratedJwtId();
        claims.setStringListClaim(GROUPS_CLAIM, List.copyOf(groups));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.privateKey());
        jws.setKeyIdHeaderValue(key.keyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the token", e);
        }
    }

    /** Parses a duration like {@code 15m}, {@code 90s}, {@code 2h} or ISO-8601 {@code PT15M}. */
    public static Duration parseTtl(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("pt") || t.startsWith("p")) {
            return Duration.parse(text.trim().toUpperCase(java.util.Locale.ROOT));
        }
        if (t.length() < 2) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("not a duration (use 90s, 15m, 2h): " + text);
        };
    }
}
