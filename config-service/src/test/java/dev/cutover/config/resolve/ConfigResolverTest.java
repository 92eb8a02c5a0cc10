package dev.cutover.config.resolve;

import dev.cutover.config.environment.EnvironmentFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped defaults and an external directory, end to end without Quarkus. */
class ConfigResolverTest {

    private final ClassLoader loader = getClass().getClassLoader();
    private final ConfigResolver defaults = new ConfigResolver(new EnvironmentFiles(Optional.empty(), loader));

    @Test
    void shippedEnvironmentsResolve() {
        // an environment no longer sets a router port (any number of applications share it): 0, from the pool;
        // the sample app declares its own per environment (applications/sample-app/<env>.yaml)
        Map<String, Integer> ports = Map.of("development", 18080, "staging", 18180, "production", 18280);
        ports.forEach((env, port) -> {
            var resolved = assertInstanceOf(Resolution.Resolved.class, defaults.resolve(env, Map.of()));
            assertEquals(Map.of("port", 0), resolved.config().get("router"), env);
            assertTrue(resolved.configHash().startsWith("sha256:"));
            var sample = assertInstanceOf(Resolution.Resolved.class, defaults.resolve("sample-app", env, Map.of()));
            assertEquals(Map.of("port", port), sample.config().get("router"), env);
            assertEquals("application:sample-app/" + env, sample.provenance().get("router.port"));
        });
        var production = (Resolution.Resolved) defaults.resolve("production", Map.of());
        assertEquals(10000, ((Map<?, ?>) production.config().get("health")).get("monitor-window-ms"));
        assertEquals(true, ((Map<?, ?>) production.config().get("pipeline")).get("approval-before-promote"));
        assertEquals("immediate", ((Map<?, ?>) production.config().get("rollback")).get("strategy"));
        var staging = (Resolution.Resolved) defaults.resolve("staging", Map.of());
        assertEquals(5000, ((Map<?, ?>) staging.config().get("health")).get("monitor-window-ms"));
        assertEquals(List.of("/health", "/ready"), ((Map<?, ?>) staging.config().get("health")).get("paths"));
    }

    @Test
    void overridesMergeOnTop() {
        var resolved = assertInstanceOf(Resolution.Resolved.class, defaults.resolve("staging",
                Map.of("app", Map.of("env", Map.of("LOG_LEVEL", "debug")), "health", Map.of("paths", List.of("/live")))));
        assertEquals(Map.of("env", Map.of("LOG_LEVEL", "debug")), resolved.config().get("app"));
        Map<?, ?> health = (Map<?, ?>) resolved.config().get("health");
        assertEquals(List.of("/live"), health.get("paths"));
        assertEquals(1000, health.get("timeout-ms"));
    }

    @Test
    void sameInputsSameHash() {
        var one = (Resolution.Resolved) defaults.resolve("staging", Map.of("app", Map.of("env", Map.of("A", "1", "B", "2"))));
        var two = (Resolution.Resolved) defaults.resolve("staging", Map.of("app", Map.of("env", Map.of("B", "2", "A", "1"))));
        assertEquals(one.configHash(), two.configHash());
    }

    @Test
    void unknownEnvironmentListsTheKnownOnes() {
        var rejected = assertInstanceOf(Resolution.Rejected.class, defaults.resolve("stagin", Map.of()));
        assertEquals(Resolution.Kind.UNKNOWN_ENVIRONMENT, rejected.kind());
        assertEquals("unknown environment 'stagin' (known: development, production, staging)", rejected.reason());
    }

    @Test
    void pathLikeEnvironmentNamesAreUnknown() {
        for (String name : List.of("../base", "environments/staging", ".hidden", "")) {
            var rejected = assertInstanceOf(Resolution.Rejected.class, defaults.resolve(name, Map.of()), name);
            assertEquals(Resolution.Kind.UNKNOWN_ENVIRONMENT, rejected.kind());
        }
    }

    @Test
    void invalidOverrideIsRejectedNamingTheKey() {
        var rejected = assertInstanceOf(Resolution.Rejected.class,
                defaults.resolve("development", Map.of("router", Map.of("port", 70000))));
        assertEquals(Resolution.Kind.INVALID_CONFIG, rejected.kind());
        assertEquals("invalid configuration: router.port must be an integer in 1..65535, or 0 for a port from the provisioner's pool (got 70000)"
                + " (set by layer 'overrides')", rejected.reason());
    }

    @Test
    void externalDirectoryWinsFileByFileAndAddsEnvironments(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("environments"));
        Files.writeString(dir.resolve("environments/staging.yaml"), "router:\n  port: 28180\n");
        Files.writeString(dir.resolve("environments/qa.yaml"), "# qa\nrouter:\n  port: 28380\napp:\n  env:\n    MODE: qa\n");
        ConfigResolver resolver = new ConfigResolver(new EnvironmentFiles(Optional.of(dir), loader));

        var staging = (Resolution.Resolved) resolver.resolve("staging", Map.of());
        assertEquals(Map.of("port", 28180), staging.config().get("router"));
        // base.yaml is not in the directory: the shipped one still applies
        assertEquals(1000, ((Map<?, ?>) staging.config().get("health")).get("timeout-ms"));
        var qa = (Resolution.Resolved) resolver.resolve("qa", Map.of());
        assertEquals(Map.of("env", Map.of("MODE", "qa")), qa.config().get("app"));
        assertEquals(0, ((Map<?, ?>) ((Resolution.Resolved) resolver.resolve("development", Map.of()))
                .config().get("router")).get("port"));
        assertEquals("unknown environment 'x' (known: development, production, qa, staging)",
                ((Resolution.Rejected) resolver.resolve("x", Map.of())).reason());
    }

    @Test
    void anApplicationDeclaresItsOwnSettingsOverTheEnvironmentsAndUnderTheOverrides(@TempDir Path dir)
            throws Exception {
        Files.createDirectories(dir.resolve("applications/shop"));
        Files.writeString(dir.resolve("applications/shop.yaml"),
                "router:\n  port: 18500\napp:\n  command: python3 app.py --port {port}\n");
        Files.writeString(dir.resolve("applications/shop/staging.yaml"), "router:\n  port: 18510\n");
        Files.writeString(dir.resolve("applications/loose.yaml"), "artifact:\n  require-digest: false\n");
        ConfigResolver resolver = new ConfigResolver(new EnvironmentFiles(Optional.of(dir), loader));

        var development = (Resolution.Resolved) resolver.resolve("shop", "development", Map.of());
        assertEquals(Map.of("port", 18500), development.config().get("router"));
        assertEquals("application:shop", development.provenance().get("router.port"));
        assertEquals("python3 app.py --port {port}", ((Map<?, ?>) development.config().get("app")).get("command"));
        var staging = (Resolution.Resolved) resolver.resolve("shop", "staging", Map.of());
        assertEquals(Map.of("port", 18510), staging.config().get("router"));
        assertEquals("application:shop/staging", staging.provenance().get("router.port"));
        var overridden = (Resolution.Resolved) resolver.resolve("shop", "staging",
                Map.of("router", Map.of("port", 18520)));
        assertEquals(Map.of("port", 18520), overridden.config().get("router"));
        // another application in the same environment declares nothing: its port comes from the pool
        var other = (Resolution.Resolved) resolver.resolve("cart", "staging", Map.of());
        assertEquals(Map.of("port", 0), other.config().get("router"));
        // the artifact policy stays the environment's
        var loose = assertInstanceOf(Resolution.Rejected.class, resolver.resolve("loose", "production", Map.of()));
        assertEquals(Resolution.Kind.INVALID_CONFIG, loose.kind());
        assertTrue(loose.reason().contains("artifact.require-digest"), loose.reason());
        // a bad app.command is named with its layer
        Files.writeString(dir.resolve("applications/shop.yaml"), "app:\n  command: run --port {prot}\n");
        var bad = assertInstanceOf(Resolution.Rejected.class, resolver.resolve("shop", "development", Map.of()));
        assertTrue(bad.reason().contains("app.command") && bad.reason().contains("application:shop"), bad.reason());
    }

    @Test
    void externalBaseWinsAndBrokenFilesAreRejected(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("environments"));
        Files.writeString(dir.resolve("base.yaml"), "router:\n  port: 0\nhealth:\n  paths: [/ping]\n");
        Files.writeString(dir.resolve("environments/broken.yaml"), "router: [unclosed\n");
        Files.writeString(dir.resolve("environments/listy.yaml"), "- a\n- b\n");
        Files.writeString(dir.resolve("environments/empty.yaml"), "");
        ConfigResolver resolver = new ConfigResolver(new EnvironmentFiles(Optional.of(dir), loader));

        var dev = assertInstanceOf(Resolution.Rejected.class, resolver.resolve("development", Map.of()));
        assertEquals(Resolution.Kind.INVALID_CONFIG, dev.kind());
        // the external base has no health numbers nor app: every missing key is named, and only the reason names
        // them (two wording checks, the one place that shows all problems are reported at once)
        assertTrue(dev.reason().contains("health.timeout-ms must be a positive integer (got nothing)"), dev.reason());
        assertTrue(dev.reason().contains("app must be a map"), dev.reason());

        var broken = assertInstanceOf(Resolution.Rejected.class, resolver.resolve("broken", Map.of()));
        assertEquals(Resolution.Kind.INVALID_FILE, broken.kind());
        assertEquals(Resolution.Kind.INVALID_FILE,
                assertInstanceOf(Resolution.Rejected.class, resolver.resolve("listy", Map.of())).kind());
        var empty = assertInstanceOf(Resolution.Rejected.class, resolver.resolve("empty", Map.of()));
        assertEquals(Resolution.Kind.INVALID_CONFIG, empty.kind()); // exists, but the external base lacks health.*
    }

    @Test
    void productionRequiresADigestFromItsOwnSourcesAndOverridesCannotLoosenIt() {
        var production = (Resolution.Resolved) defaults.resolve("production", Map.of());
        assertEquals(Map.of("allowed-sources", List.of("file:///opt/releases/", "https://artifacts.example/"),
                "require-digest", true), production.config().get("artifact"));
        assertEquals("environment:production", production.provenance().get("artifact.require-digest"));
        for (String env : List.of("development", "staging")) {
            var resolved = (Resolution.Resolved) defaults.resolve(env, Map.of());
            assertEquals(false, ((Map<?, ?>) resolved.config().get("artifact")).get("require-digest"), env);
        }
        var loosened = assertInstanceOf(Resolution.Rejected.class,
                defaults.resolve("production", Map.of("artifact", Map.of("require-digest", false))));
        assertEquals(Resolution.Kind.INVALID_CONFIG, loosened.kind());
        assertTrue(loosened.reason().contains("artifact.require-digest"), loosened.reason());
        var widened = assertInstanceOf(Resolution.Rejected.class,
                defaults.resolve("staging", Map.of("artifact.allowed-sources", List.of("file:///"))));
        assertTrue(widened.reason().contains("artifact.allowed-sources"), widened.reason());
    }

    @Test
    void theServiceAddsItsExtraSourcesToEveryEnvironment() {
        ConfigResolver resolver = new ConfigResolver(new EnvironmentFiles(Optional.empty(), loader),
                List.of("file:///work/checkout/deploy/sample-app/target//"));
        for (String env : List.of("development", "staging", "production")) {
            var resolved = assertInstanceOf(Resolution.Resolved.class, resolver.resolve(env, Map.of()));
            assertEquals(List.of("file:///opt/releases/", "https://artifacts.example/",
                    "file:///work/checkout/deploy/sample-app/target/"),
                    ((Map<?, ?>) resolved.config().get("artifact")).get("allowed-sources"), env);
            assertEquals(ConfigResolver.SERVICE_LAYER, resolved.provenance().get("artifact.allowed-sources"));
        }
        // an extra source is checked like the environment's own
        var bad = assertInstanceOf(Resolution.Rejected.class, new ConfigResolver(
                new EnvironmentFiles(Optional.empty(), loader), List.of("http://mirror.example/"))
                .resolve("development", Map.of()));
        assertTrue(bad.reason().contains("artifact.allowed-sources"), bad.reason());
        assertTrue(bad.reason().contains("'" + ConfigResolver.SERVICE_LAYER + "'"), bad.reason());
    }
}
