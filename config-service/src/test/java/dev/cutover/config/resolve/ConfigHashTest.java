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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigHashTest {

    static Stream<Arguments> sameConfigs() {
        return Stream.of(
                Arguments.of("top-level key order",
                        ordered("a", 1, "b", 2), ordered("b", 2, "a", 1)),
                Arguments.of("nested key order",
                        ordered("x", ordered("p", 1, "q", List.of(1, 2))), ordered("x", ordered("q", List.of(1, 2), "p", 1))),
                Arguments.of("int and long of the same value",
                        ordered("port", 18080), ordered("port", 18080L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sameConfigs")
    void sameConfigSameHash(String name, Map<String, Object> one, Map<String, Object> other) {
        assertEquals(ConfigHash.of(one), ConfigHash.of(other));
    }

    static Stream<Arguments> differentConfigs() {
        return Stream.of(
                Arguments.of("scalar value", ordered("a", 1), ordered("a", 2)),
                Arguments.of("list order matters", ordered("a", List.of(1, 2)), ordered("a", List.of(2, 1))),
                Arguments.of("string vs number", ordered("a", "1"), ordered("a", 1)),
                Arguments.of("extra key", ordered("a", 1), ordered("a", 1, "b", 2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("differentConfigs")
    void differentConfigDifferentHash(String name, Map<String, Object> one, Map<String, Object> other) {
        assertNotEquals(ConfigHash.of(one), ConfigHash.of(other));
    }

    @Test
    void formatIsSha256HexOfCanonicalJson() throws Exception {
        String hash = ConfigHash.of(ordered("b", 1, "a", ordered("d", true, "c", "x")));
        assertTrue(hash.matches("sha256:[0-9a-f]{64}"), hash);
        assertEquals("{\"a\":{\"c\":\"x\",\"d\":true},\"b\":1}",
                ConfigHash.canonicalJson(ordered("b", 1, "a", ordered("d", true, "c", "x"))));
        // sha256 of "{}" is fixed: guards against an accidental change of the canonical form
        assertEquals("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", ConfigHash.of(Map.of()));
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
