package dev.cutover.security.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;

class LocalTokensTest {

    private final LocalSigningKey key = LocalSigningKey.generate();

    private JwtConsumer consumer(LocalSigningKey verifyWith) {
        return new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireSubject()
                .setExpectedIssuer(LocalTokens.ISSUER)
                .setExpectedAudience(LocalTokens.AUDIENCE)
                .setVerificationKey(verifyWith.publicKey())
                .build();
    }

    @Test
    void aMintedTokenCarriesIssuerAudienceSubjectGroupsAndAShortExpiry() throws Exception {
        String jwt = new LocalTokens(key).subject("alice").grant("deployer", "shop", "staging")
                .grant("viewer", "*", "*").mint();
        JwtClaims claims = consumer(key).processToClaims(jwt);
        assertEquals("alice", claims.getSubject());
        assertEquals(List.of("cutover:deployer:shop:staging", "cutover:viewer:*:*"),
                claims.getStringListClaimValue(LocalTokens.GROUPS_CLAIM));
        long lifetime = claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue();
        assertEquals(LocalTokens.DEFAULT_TTL.toSeconds(), lifetime);
    }

    @Test
    void expiredWrongIssuerWrongAudienceAndForeignKeyTokensDoNotVerify() {
        assertThrows(InvalidJwtException.class, () -> consumer(key).processToClaims(new LocalTokens(key)
                .issuedAt(Instant.now().minus(Duration.ofHours(1))).ttl(Duration.ofMinutes(5)).mint()));
        assertThrows(InvalidJwtException.class,
                () -> consumer(key).processToClaims(new LocalTokens(key).issuer("someone-else").mint()));
        assertThrows(InvalidJwtException.class,
                () -> consumer(key).processToClaims(new LocalTokens(key).audience("other-app").mint()));
        assertThrows(InvalidJwtException.class,
                () -> consumer(LocalSigningKey.generate()).processToClaims(new LocalTokens(key).mint()));
    }

    @Test
    void ttlTextForms() {
        assertEquals(Duration.ofMinutes(15), LocalTokens.parseTtl("15m"));
        assertEquals(Duration.ofSeconds(90), LocalTokens.parseTtl("90s"));
        assertEquals(Duration.ofHours(2), LocalTokens.parseTtl("2h"));
        assertEquals(Duration.ofMinutes(5), LocalTokens.parseTtl("PT5M"));
        assertThrows(IllegalArgumentException.class, () -> LocalTokens.parseTtl("soon"));
        assertThrows(IllegalArgumentException.class, () -> new LocalTokens(key).ttl(Duration.ZERO));
        assertTrue(LocalTokens.grantClaim("admin", "*", "*").startsWith("cutover:admin:"));
    }
}
