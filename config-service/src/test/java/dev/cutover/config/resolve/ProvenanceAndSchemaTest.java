package dev.cutover.config.resolve;

import dev.cutover.config.environment.EnvironmentFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which layer set each key, and errors that name the key and the layer. */
class ProvenanceAndSchemaTest {

    static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    static Map<String, Object> withNull(String key) {
        Map<String, Object> m = new HashMap<>();
        m.put(key, null);
        return m;
    }

    static Stream<Arguments> provenanceCases() {
        Map<String, Object> base = map("router", map("port", 1), "health", map("paths", List.of("/health"), "timeout-ms", 1000),
                "app", map("env", map()));
        return Stream.of(
                Arguments.of("base only", base, null, null,
                        Map.of("router.port", "base", "health.paths", "base", "health.timeout-ms", "base", "app.env", "base")),
                Arguments.of("environment wins a leaf, keeps the rest", base, map("router", map("port", 2)), null,
                        Map.of("router.port", "env", "health.paths", "base", "health.timeout-ms", "base", "app.env", "base")),
                Arguments.of("override adds below an empty map", base, null, map("app", map("env", map("A", "1"))),
                        Map.of("router.port", "base", "health.paths", "base", "health.timeout-ms", "base", "app.env.A", "overrides")),
                Arguments.of("a list replaces as a whole", base, map("health", map("paths", List.of("/ready"))), null,
                        Map.of("router.port", "base", "health.paths", "env", "health.timeout-ms", "base", "app.env", "base")),
                Arguments.of("null removes the key and its provenance", base, null, map("health", withNull("timeout-ms")),
                        Map.of("router.port", "base", "health.paths", "base", "app.env", "base")),
                Arguments.of("a scalar replaces a whole section", base, null, map("health", "off"),
                        Map.of("router.port", "base", "health", "overrides", "app.env", "base")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("provenanceCases")
    void provenanceNamesTheLayerThatSetEachLeaf(String name, Map<String, Object> base, Map<String, Object> env,
                                                Map<String, Object> overrides, Map<String, String> expected) {
        ConfigMerge.Merged merged = ConfigMerge.mergeWithProvenance(List.of(
                new Layer("base", base), new Layer("env", env), new Layer("overrides", overrides)));
        assertEquals(expected, merged.provenance());
        assertEquals(ConfigMerge.merge(java.util.Arrays.asList(base, env, overrides)), merged.config(),
                "provenance must not change the merge itself");
    }

    private final ConfigResolver resolver = new ConfigResolver(new EnvironmentFiles(Optional.empty(), getClass().getClassLoader()));

    static Stream<Arguments> invalidOverrides() {
        return Stream.of(
                Arguments.of("unknown top-level key", map("routr", map("port", 1)),
                        "unknown key 'routr' (set by layer 'overrides')"),
                Arguments.of("unknown key in a known section", map("health", map("timeout", 5)),
                        "unknown key 'health.timeout' (set by layer 'overrides')"),
                Arguments.of("wrong type", map("health", map("timeout-ms", "fast")),
                        "health.timeout-ms must be an integer (set by layer 'overrides')"),
                Arguments.of("wrong type for a list", map("health", map("paths", "/health")),
                        "health.paths must be a list (set by layer 'overrides')"),
                Arguments.of("required key removed", map("health", withNull("timeout-ms")),
                        "health.timeout-ms must be a positive integer (got nothing) (no layer sets it)"),
                Arguments.of("value out of range", map("router", map("port", 70000)),
                        "router.port must be an integer in 1..65535, or 0 for a port from the provisioner's pool (got 70000) (set by layer 'overrides')"),
                Arguments.of("unknown provider", map("target", map("provider", "aws")),
                        "target.provider must be local or azure (got 'aws') (set by layer 'overrides')"),
                Arguments.of("a kind the provider cannot make", map("target", map("kind", "app-service")),
                        "target.kind must be process with provider local (got 'app-service') (set by layer 'overrides')"),
                Arguments.of("azure without its subscription", map("target", map("provider", "azure",
                                "kind", "app-service", "azure", map("resource-group", "rg", "region", "westeurope"))),
                        "target.azure.subscription-id must be set with provider azure (no layer sets it)"),
                Arguments.of("a port out of range", map("network", map("inbound-ports", List.of(443, 0))),
                        "network.inbound-ports must be ports in 1..65535 (got 0) (set by layer 'overrides')"),
                Arguments.of("an unknown hardening rule", map("hardening", map("blocking", List.of("https-only", "tls"))),
                        "hardening.blocking names an unknown rule 'tls'"),
                Arguments.of("a budget of nothing", map("budget", map("monthly-limit", 0)),
                        "budget.monthly-limit must be positive (got 0) (set by layer 'overrides')"),
                Arguments.of("private endpoint as text", map("network", map("private-endpoint", "yes")),
                        "network.private-endpoint must be a boolean (set by layer 'overrides')"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidOverrides")
    void validationErrorsNameTheKeyAndTheLayer(String name, Map<String, Object> overrides, String expected) {
        var rejected = assertInstanceOf(Resolution.Rejected.class, resolver.resolve("development", overrides));
        assertEquals(Resolution.Kind.INVALID_CONFIG, rejected.kind());
        // the one wording check here: only the reason names the key and the layer
        assertTrue(rejected.reason().contains(expected), () -> rejected.reason() + "\n  should contain\n" + expected);
    }

    static final String PRODUCTION_CSP = "default-src 'self'; frame-ancestors 'none'";

    /** The product's values per environment: every infrastructure, application and security key, as resolved. */
    static Stream<Arguments> seedDefaults() {
        return Stream.of(
                Arguments.of("development",
                        map("instance-count", 1, "instance-size", "Standard_B2s", "storage-redundancy", "Standard_LRS",
                                "storage-gb", 10, "autoscale", map("min", 1, "max", 1, "target-cpu", 70)),
                        map("log-level", "debug", "hot-reload", true, "source-maps", true),
                        map("https-only", false, "hsts", false, "csp", "")),
                Arguments.of("staging",
                        map("instance-count", 2, "instance-size", "Standard_D2s_v3", "storage-redundancy", "Standard_GRS",
                                "storage-gb", 20, "autoscale", map("min", 1, "max", 3, "target-cpu", 70)),
                        map("log-level", "info", "hot-reload", false, "source-maps", false),
                        map("https-only", false, "hsts", false, "csp", "")),
                Arguments.of("production",
                        map("instance-count", 3, "instance-size", "Standard_D4s_v3", "storage-redundancy", "Standard_GRS",
                                "storage-gb", 100, "autoscale", map("min", 3, "max", 10, "target-cpu", 70)),
                        map("log-level", "warn", "hot-reload", false, "source-maps", false),
                        map("https-only", true, "hsts", true, "csp", PRODUCTION_CSP)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("seedDefaults")
    void environmentsCarryTheSeedDefaults(String environment, Map<String, Object> infrastructure,
                                          Map<String, Object> application, Map<String, Object> security) {
        var resolved = assertInstanceOf(Resolution.Resolved.class, resolver.resolve(environment, Map.of()));
        assertEquals(infrastructure, resolved.config().get("infrastructure"), environment + " infrastructure");
        assertEquals(application, resolved.config().get("application"), environment + " application");
        assertEquals(security, resolved.config().get("security"), environment + " security");
    }

    static final List<String> ALL_RULES = List.of("https-only", "min-tls-1.2", "ftps-disabled", "managed-identity",
            "secrets-as-key-vault-references", "inbound-443-only", "private-endpoint", "diagnostics-enabled");

    /** Where each environment runs, what blocks it and its gates: local processes everywhere until one says azure. */
    static Stream<Arguments> targetDefaults() {
        return Stream.of(
                Arguments.of("development", false, List.of(), null, false),
                Arguments.of("staging", false, ALL_RULES.subList(1, 5), 1500, false),
                Arguments.of("production", true, ALL_RULES, 6000, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targetDefaults")
    void environmentsCarryTheirTargetNetworkAndPolicy(String environment, boolean privateEndpoint,
                                                      List<String> blocking, Integer monthlyLimit,
                                                      boolean approvalBeforeProvision) {
        var resolved = assertInstanceOf(Resolution.Resolved.class, resolver.resolve(environment, Map.of()));
        Map<String, Object> c = resolved.config();
        assertEquals(map("provider", "local", "kind", "process"), c.get("target"), environment + " target");
        assertEquals(map("inbound-ports", List.of(443), "private-endpoint", privateEndpoint), c.get("network"));
        assertEquals(map("enabled", true), c.get("diagnostics"));
        assertEquals(map("blocking", blocking), c.get("hardening"));
        assertEquals(monthlyLimit, c.get("budget") == null ? null : ((Map<?, ?>) c.get("budget")).get("monthly-limit"));
        assertEquals(approvalBeforeProvision, ((Map<?, ?>) c.get("pipeline")).get("approval-before-provision"));
    }

    @Test
    void anAzureTargetResolvesWithItsSubscription() {
        assertInstanceOf(Resolution.Resolved.class, resolver.resolve("production", map("target", map(
                "provider", "azure", "kind", "scale-set", "azure", map("subscription-id", "sub-1",
                        "resource-group", "rg-shop", "region", "westeurope", "name", "shop-prod",
                        "key-vault", "kv-shop")))));
    }

    @Test
    void theEnvironmentFileSetsWhatMakesItDifferent() {
        var dev = assertInstanceOf(Resolution.Resolved.class, resolver.resolve("development", Map.of()));
        var staging = assertInstanceOf(Resolution.Resolved.class, resolver.resolve("staging", Map.of()));
        var prod = assertInstanceOf(Resolution.Resolved.class, resolver.resolve("production", Map.of()));
        for (String key : List.of("infrastructure.instance-size", "infrastructure.instance-count",
                "infrastructure.storage-redundancy")) {
            assertEquals("environment:development", dev.provenance().get(key), key);
            assertEquals("environment:staging", staging.provenance().get(key), key);
            assertEquals("environment:production", prod.provenance().get(key), key);
        }
        assertEquals("base", dev.provenance().get("infrastructure.autoscale.target-cpu"));
        assertEquals("environment:production", prod.provenance().get("infrastructure.autoscale.target-cpu"));
        assertEquals("environment:production", prod.provenance().get("security.hsts"));
        assertEquals("base", staging.provenance().get("security.https-only"));
    }

    @Test
    void storageRedundancyIsAStringKey() {
        var rejected = assertInstanceOf(Resolution.Rejected.class, resolver.resolve("development",
                map("infrastructure", map("storage-redundancy", 3))));
        assertEquals(Resolution.Kind.INVALID_CONFIG, rejected.kind());
        // the one wording check here: only the reason names the key and the layer
        assertTrue(rejected.reason().contains("infrastructure.storage-redundancy must be a string (set by layer 'overrides')"),
                rejected.reason());
        assertInstanceOf(Resolution.Resolved.class, resolver.resolve("development",
                map("infrastructure", map("storage-redundancy", "Standard_ZRS"))));
    }

    @Test
    void resolvedConfigurationCarriesProvenance() {
        var resolved = assertInstanceOf(Resolution.Resolved.class, resolver.resolve("production",
                map("health", map("timeout-ms", 700), "app", map("env", map("LOG_LEVEL", "debug")))));
        assertEquals("base", resolved.provenance().get("router.port")); // 0: from the provisioner's pool
        assertEquals("environment:production", resolved.provenance().get("health.monitor-window-ms"));
        assertEquals("overrides", resolved.provenance().get("health.timeout-ms"));
        assertEquals("overrides", resolved.provenance().get("app.env.LOG_LEVEL"));
        assertEquals("base", resolved.provenance().get("health.interval-ms"));
    }
}
