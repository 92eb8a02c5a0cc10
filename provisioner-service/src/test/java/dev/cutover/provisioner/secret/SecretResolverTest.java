package dev.cutover.provisioner.secret;

import dev.cutover.provisioner.slot.ProvisioningException;
import dev.cutover.secrets.SecretReference;
import dev.cutover.secrets.SecretStore;
import dev.cutover.secrets.SecretStoreException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretResolverTest {

    private static final String DB_VALUE = "pg-Pa55w0rd!";
    private static final String API_VALUE = "api-K3y-0123";

    /** db-password and api-key exist; "denied" is forbidden; "busy" is throttled; anything else is missing. */
    private static final class FakeStore implements SecretStore {
        final List<String> asked = new ArrayList<>();

        @Override
        public String kind() {
            return "fake";
        }

        @Override
        public String resolve(SecretReference reference) throws SecretStoreException {
            asked.add(reference.toString());
            return switch (reference.name()) {
                case "db-password" -> DB_VALUE;
                case "api-key" -> API_VALUE;
                case "denied" -> throw new SecretStoreException.AccessDenied(reference, kind(), "HTTP 403");
                case "busy" -> throw new SecretStoreException.Unavailable(reference, kind(), "throttled (HTTP 429) after 4 attempts");
                default -> throw new SecretStoreException.NotFound(reference, kind(), "");
            };
        }
    }

    private final FakeStore store = new FakeStore();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SecretResolver resolver = new SecretResolver(store, meters);

    private double count(String outcome) {
        var c = meters.find("cutover.provisioner.secrets.resolutions").tags("store", "fake", "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void anEnvironmentWithoutReferencesIsPassedAsItIsAndTheStoreIsNotAsked() throws Exception {
        Map<String, String> env = Map.of("LOG_LEVEL", "debug", "DB_URL", "postgres://db:5432/shop");
        ResolvedEnvironment resolved = resolver.resolve(env, "test");
        assertEquals(env, resolved.variables());
        assertEquals(Set.of(), resolved.secretVariables());
        assertEquals(List.of(), store.asked);
    }

    @Test
    void referencesAreReplacedByTheirValuesAndPlainValuesKept() throws Exception {
        ResolvedEnvironment resolved = resolver.resolve(Map.of("DB_PASSWORD", "secret://db-password",
                "API_KEY", "secret://api-key/v7", "LOG_LEVEL", "debug"), "test");
        assertEquals(Map.of("DB_PASSWORD", DB_VALUE, "API_KEY", API_VALUE, "LOG_LEVEL", "debug"), resolved.variables());
        assertEquals(Set.of("API_KEY", "DB_PASSWORD"), resolved.secretVariables());
        assertEquals(List.of("secret://api-key/v7", "secret://db-password"), store.asked); // in variable order
        assertEquals(2, count("resolved"));
        assertEquals(1, meters.get("cutover.provisioner.secrets.resolve").timer().count());
    }

    @Test
    void resolvedValuesAreRedactedAndNeverShownByToString() throws Exception {
        ResolvedEnvironment resolved = resolver.resolve(Map.of("DB_PASSWORD", "secret://db-password", "LOG_LEVEL", "debug"), "test");
        assertFalse(resolved.toString().contains(DB_VALUE), resolved.toString());
        assertTrue(resolved.toString().contains("DB_PASSWORD"), resolved.toString());
        assertEquals("connect failed: password ***** rejected; level debug",
                resolved.redact("connect failed: password " + DB_VALUE + " rejected; level debug"));
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(Map.of("DB_PASSWORD", "secret://nope"),
                        "configuration error: variable DB_PASSWORD: secret 'nope' not found in fake", List.of("secret://nope")),
                Arguments.of(Map.of("DB_PASSWORD", "secret://db-password/v9", "TOKEN", "secret://denied"),
                        "configuration error: variable TOKEN: access to secret 'denied' in fake denied (HTTP 403)",
                        List.of("secret://db-password/v9", "secret://denied")),
                Arguments.of(Map.of("A", "secret://nope-a", "B", "secret://db-password", "C", "secret://nope-c"),
                        "configuration error: variable A: secret 'nope-a' not found in fake; "
                                + "variable C: secret 'nope-c' not found in fake",
                        List.of("secret://nope-a", "secret://db-password", "secret://nope-c")),
                // throttled: not a configuration problem, and the rest is not asked for
                Arguments.of(Map.of("A", "secret://busy", "B", "secret://db-password"),
                        "secret store unavailable: variable A: secret 'busy' could not be read from fake: "
                                + "throttled (HTTP 429) after 4 attempts",
                        List.of("secret://busy")),
                // an invalid reference fails before the store is asked anything
                Arguments.of(Map.of("A", "secret://db-password", "B", "secret://bad_name", "C", "secret://a/b/c"),
                        "configuration error: variable B: invalid secret reference 'secret://bad_name': name 'bad_name' "
                                + "may only contain 0-9, a-z, A-Z and -; variable C: invalid secret reference "
                                + "'secret://a/b/c': expected secret://name or secret://name/version",
                        List.of()));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("failures")
    void anyFailureFailsTheWholeEnvironmentNamingSecretAndVariable(Map<String, String> env, String reason,
                                                                    List<String> asked) {
        ProvisioningException e = assertThrows(ProvisioningException.class, () -> resolver.resolve(env, "test"));
        assertEquals(reason, e.getMessage());
        assertEquals(asked, store.asked);
        assertFalse(e.getMessage().contains(DB_VALUE), e.getMessage());
    }

    @Test
    void outcomesAreCountedByStoreAndOutcomeOnly() {
        assertThrows(ProvisioningException.class, () -> resolver.resolve(Map.of("A", "secret://nope", "B", "secret://denied",
                "C", "secret://db-password"), "test"));
        assertThrows(ProvisioningException.class, () -> resolver.resolve(Map.of("A", "secret://busy"), "test"));
        assertThrows(ProvisioningException.class, () -> resolver.resolve(Map.of("A", "secret://x_y"), "test"));
        assertEquals(1, count("not-found"));
        assertEquals(1, count("access-denied"));
        assertEquals(1, count("resolved"));
        assertEquals(1, count("unavailable"));
        assertEquals(1, count("invalid"));
        meters.getMeters().forEach(m -> m.getId().getTags().forEach(t -> assertTrue(
                Set.of("store", "outcome").contains(t.getKey()), m.getId().toString())));
    }
}
