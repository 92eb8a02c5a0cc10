package dev.cutover.config.resolve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigValidatorTest {

    /** A valid merged configuration, with one key changed per case. */
    static Map<String, Object> valid() {
        return ConfigMerge.merge(List.of(Map.of(
                "router", Map.of("port", 18080),
                "health", Map.of("paths", List.of("/health", "/ready"), "timeout-ms", 1000, "interval-ms", 200,
                        "consecutive-successes", 3, "max-wait-ms", 30000, "failure-threshold", 2,
                        "monitor-window-ms", 5000),
                "app", Map.of("env", Map.of("LOG_LEVEL", "debug", "WORKERS", 4, "DEBUG", true)),
                "artifact", Map.of("allowed-sources", List.of("file:///opt/releases/", "https://artifacts.example/"),
                        "require-digest", true))));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("router.port negative", "router", "port", -1,
                        "router.port must be an integer in 1..65535, or 0 for a port from the provisioner's pool (got -1)"),
                Arguments.of("router.port too big", "router", "port", 65536,
                        "router.port must be an integer in 1..65535, or 0 for a port from the provisioner's pool (got 65536)"),
                Arguments.of("router.port a string", "router", "port", "18080",
                        "router.port must be an integer in 1..65535, or 0 for a port from the provisioner's pool (got a string)"),
                Arguments.of("router.port a fraction", "router", "port", 18080.5,
                        "router.port must be an integer in 1..65535, or 0 for a port from the provisioner's pool (got 18080.5)"),
                Arguments.of("app.command with an unknown placeholder", "app", "command", "run --port {prot}",
                        "app.command has the unknown placeholder {prot} (known: {port}, {artifact})"),
                Arguments.of("app.command not a string", "app", "command", List.of("run"),
                        "app.command must be a string"),
                Arguments.of("timeout negative", "health", "timeout-ms", -1,
                        "health.timeout-ms must be a positive integer (got -1)"),
                Arguments.of("interval zero", "health", "interval-ms", 0,
                        "health.interval-ms must be a positive integer (got 0)"),
                Arguments.of("consecutive-successes a list", "health", "consecutive-successes", List.of(3),
                        "health.consecutive-successes must be a positive integer (got a list)"),
                Arguments.of("monitor window missing", "health", "monitor-window-ms", null,
                        "health.monitor-window-ms must be a positive integer (got nothing)"),
                Arguments.of("paths empty", "health", "paths", List.of(),
                        "health.paths must be a non-empty list of paths starting with '/'"),
                Arguments.of("paths not absolute", "health", "paths", List.of("health"),
                        "health.paths must be a non-empty list of paths starting with '/'"),
                Arguments.of("app.env not a map", "app", "env", List.of("A=1"),
                        "app.env must be a map of scalars"),
                Arguments.of("app.env value not a scalar", "app", "env", Map.of("NESTED", Map.of("x", 1)),
                        "app.env.NESTED must be a scalar (string, number or boolean)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void namesTheKey(String name, String section, String key, Object value, String expected) {
        Map<String, Object> config = valid();
        Map<String, Object> sectionMap = (Map<String, Object>) config.get(section);
        if (value == null) {
            sectionMap.remove(key);
        } else {
            sectionMap.put(key, value);
        }
        assertEquals(List.of(expected), ConfigValidator.validate(config));
    }

    @Test
    void validConfigHasNoErrors() {
        assertEquals(List.of(), ConfigValidator.validate(valid()));
    }

    @Test
    void missingSectionsAreEachNamed() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("router", "18080");
        assertEquals(List.of("router must be a map", "health must be a map", "app must be a map",
                        "artifact must be a map"), ConfigValidator.validate(config));
    }

    /** Each allowed source is a directory URL under file:/// or https://, so a prefix cannot be sidestepped. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badSources")
    @SuppressWarnings("unchecked")
    void aBadAllowedSourceIsNamed(Object source) {
        Map<String, Object> config = valid();
        ((Map<String, Object>) config.get("artifact")).put("allowed-sources", List.of("file:///opt/releases/", source));
        List<String> errors = ConfigValidator.validate(config);
        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.get(0).startsWith("artifact.allowed-sources "), errors::toString);
    }

    static Stream<Object> badSources() {
        return Stream.of("http://artifacts.example/", "ftp://artifacts.example/", "/opt/releases/",
                "file:///opt/releases", "file:///opt/releases/../", "file:///opt/%2e%2e/etc/", "https:///nohost/",
                "https://user@artifacts.example/", "https://artifacts.example/?x=1", "not a url/", "", 42);
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePolicyKeysAreRequiredAndTyped() {
        Map<String, Object> config = valid();
        Map<String, Object> artifact = (Map<String, Object>) config.get("artifact");
        artifact.remove("allowed-sources");
        artifact.put("require-digest", "yes");
        List<String> errors = ConfigValidator.validate(config);
        assertEquals(2, errors.size(), errors::toString);
        assertTrue(errors.get(0).startsWith("artifact.allowed-sources "), errors::toString);
        assertTrue(errors.get(1).startsWith("artifact.require-digest "), errors::toString);
    }

    @Test
    void overridesMayNotTouchTheArtifactPolicy() {
        assertEquals(List.of(), ConfigValidator.lockedByOverrides(Map.of("router", Map.of("port", 1))));
        Map<String, Object> overrides = new LinkedHashMap<>();
        overrides.put("artifact", Map.of("require-digest", false));
        overrides.put("artifact.allowed-sources", List.of("file:///"));
        List<String> errors = ConfigValidator.lockedByOverrides(overrides);
        assertEquals(2, errors.size(), errors::toString);
        assertTrue(errors.get(0).startsWith("artifact.require-digest "), errors::toString);
        assertTrue(errors.get(1).startsWith("artifact.allowed-sources "), errors::toString);
        Map<String, Object> removal = new LinkedHashMap<>();
        removal.put("artifact", null); // a null removes a key when merged: refused too
        assertEquals(1, ConfigValidator.lockedByOverrides(removal).size());
    }
}
