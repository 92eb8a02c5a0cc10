package dev.cutover.config.resolve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfigMergeTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("nested maps merge recursively",
                        Arrays.asList(Map.of("a", Map.of("x", 1, "y", 2)), Map.of("a", Map.of("y", 3, "z", 4))),
                        Map.of("a", Map.of("x", 1, "y", 3, "z", 4))),
                Arguments.of("three levels deep",
                        Arrays.asList(Map.of("a", Map.of("b", Map.of("c", 1, "d", 2))),
                                Map.of("a", Map.of("b", Map.of("d", 3)))),
                        Map.of("a", Map.of("b", Map.of("c", 1, "d", 3)))),
                Arguments.of("lists replace, never concatenate",
                        Arrays.asList(Map.of("paths", List.of("/health", "/ready")), Map.of("paths", List.of("/live"))),
                        Map.of("paths", List.of("/live"))),
                Arguments.of("scalar override",
                        Arrays.asList(Map.of("port", 0, "keep", "yes"), Map.of("port", 18080)),
                        Map.of("port", 18080, "keep", "yes")),
                Arguments.of("later layer wins over all earlier",
                        Arrays.asList(Map.of("port", 1), Map.of("port", 2), Map.of("port", 3)),
                        Map.of("port", 3)),
                Arguments.of("scalar replaces map",
                        Arrays.asList(Map.of("a", Map.of("x", 1)), Map.of("a", "flat")),
                        Map.of("a", "flat")),
                Arguments.of("map replaces scalar",
                        Arrays.asList(Map.of("a", "flat"), Map.of("a", Map.of("x", 1))),
                        Map.of("a", Map.of("x", 1))),
                Arguments.of("null layer is skipped",
                        Arrays.asList(Map.of("a", 1), null, Map.of("b", 2)),
                        Map.of("a", 1, "b", 2)),
                Arguments.of("empty layers change nothing",
                        Arrays.asList(Map.of(), Map.of("a", 1), Map.of()),
                        Map.of("a", 1)),
                Arguments.of("no layers at all",
                        Arrays.asList((Map<String, Object>) null),
                        Map.of()),
                Arguments.of("null value removes the key",
                        Arrays.asList(Map.of("a", 1, "b", 2), nullValued("b")),
                        Map.of("a", 1)),
                Arguments.of("absent key keeps the earlier value",
                        Arrays.asList(Map.of("app", Map.of("env", Map.of("A", "1"))), Map.of("router", Map.of("port", 1))),
                        Map.of("app", Map.of("env", Map.of("A", "1")), "router", Map.of("port", 1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void merges(String name, List<Map<String, Object>> layers, Map<String, Object> expected) {
        assertEquals(expected, ConfigMerge.merge(layers));
    }

    @Test
    void inputsAreNotModified() {
        Map<String, Object> inner = new HashMap<>(Map.of("x", 1));
        Map<String, Object> base = new HashMap<>(Map.of("a", inner));
        Map<String, Object> result = ConfigMerge.merge(List.of(base, Map.of("a", Map.of("x", 2))));
        assertEquals(Map.of("a", Map.of("x", 2)), result);
        assertEquals(Map.of("x", 1), inner);
    }

    private static Map<String, Object> nullValued(String key) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(key, null);
        return map;
    }
}
