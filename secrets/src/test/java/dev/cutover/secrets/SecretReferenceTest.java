package dev.cutover.secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretReferenceTest {

    static Stream<Arguments> valid() {
        String longest = "a".repeat(127);
        return Stream.of(
                Arguments.of("secret://db-password", "db-password", null),
                Arguments.of("secret://db-password/3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b", "db-password",
                        "3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b"),
                Arguments.of("secret://DB-Password-2/v2", "DB-Password-2", "v2"),
                Arguments.of("secret://x", "x", null),
                Arguments.of("secret://-", "-", null),
                Arguments.of("secret://" + longest, longest, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesNameAndOptionalVersion(String value, String name, String version) {
        SecretReference ref = SecretReference.parse("DB_PASSWORD", value);
        assertEquals(name, ref.name());
        assertEquals(version, ref.version());
        assertEquals(version != null, ref.pinned());
        assertEquals(value, ref.toString()); // round trip
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("secret://", "name is empty"),
                Arguments.of("secret:///v1", "name is empty"),
                Arguments.of("secret://db-password/", "version is empty"),
                Arguments.of("secret://db_password", "name 'db_password' may only contain 0-9, a-z, A-Z and -"),
                Arguments.of("secret://db.password", "may only contain"),
                Arguments.of("secret://db password", "may only contain"),
                Arguments.of("secret://db-password ", "may only contain"),
                Arguments.of("secret://päss", "may only contain"),
                Arguments.of("secret://db-password/v1?x=1", "version 'v1?x=1' may only contain"),
                Arguments.of("secret://a/b/c", "expected secret://name or secret://name/version"),
                Arguments.of("secret://" + "a".repeat(128), "name is longer than 127 characters"),
                Arguments.of("secret://a/" + "1".repeat(128), "version is longer than 127 characters"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsInvalidReferencesNamingTheVariable(String value, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SecretReference.parse("DB_PASSWORD", value));
        assertTrue(e.getMessage().startsWith("variable DB_PASSWORD: invalid secret reference"), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void onlyValuesWithTheSecretSchemeAreReferences() {
        assertTrue(SecretReference.isReference("secret://x"));
        assertTrue(SecretReference.isReference("secret://")); // a reference, an invalid one
        assertFalse(SecretReference.isReference("secret:x"));
        assertFalse(SecretReference.isReference("SECRET://x"));
        assertFalse(SecretReference.isReference(" secret://x"));
        assertFalse(SecretReference.isReference("postgres://db:5432/shop"));
        assertFalse(SecretReference.isReference(""));
        assertFalse(SecretReference.isReference(null));
    }

    @Test
    void describesForMessages() {
        assertEquals("'db-password'", SecretReference.parse("V", "secret://db-password").describe());
        assertEquals("'db-password' version 'v2'", SecretReference.parse("V", "secret://db-password/v2").describe());
    }
}
