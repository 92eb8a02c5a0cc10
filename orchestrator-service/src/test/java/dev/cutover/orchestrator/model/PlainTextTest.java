package dev.cutover.orchestrator.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class PlainTextTest {

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of("wrong\nbuild", "wrong build"),
                Arguments.of("red\u001b[31m alert", "red [31m alert"),
                Arguments.of("a\tb\rc\u0000d", "a b c d"),
                Arguments.of("c1\u0085\u009bx", "c1  x"),
                Arguments.of("line\u2028para\u2029", "line para "),
                Arguments.of("\u001b\u001b", "  "));
    }

    @ParameterizedTest
    @MethodSource("texts")
    void controlCharactersBecomeSpaces(String in, String out) {
        assertEquals(out, PlainText.of(in));
    }

    @Test
    void printableTextIsKeptAsItIs() {
        String text = "rolled back by alice: p95 > 300 ms — ünïcode ✓ 🚀";
        assertSame(text, PlainText.of(text));
        assertNull(PlainText.of(null));
    }
}
