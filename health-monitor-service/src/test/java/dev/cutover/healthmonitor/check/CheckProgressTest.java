package dev.cutover.healthmonitor.check;

import dev.cutover.events.HealthMonitorCommand.CheckMode;
import dev.cutover.events.HealthMonitorCommand.HealthCheckSpec;
import dev.cutover.events.HealthMonitorEvent.ProbeResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.cutover.events.HealthMonitorCommand.CheckMode.UNTIL_HEALTHY;
import static dev.cutover.events.HealthMonitorCommand.CheckMode.WATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rounds are written as a string: P = every probe passed, F = /health answered 503, T = /ready timed out.
 * Round i (1-based) ends at i * 100 ms.
 */
class CheckProgressTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, mode, consecutive, maxWait, window, threshold, rounds, expected ("-" = undecided), reason
                Arguments.of("healthy at once", UNTIL_HEALTHY, 3, 5000, 0, 0, "PPP", "pass@3", null),
                Arguments.of("one success is enough", UNTIL_HEALTHY, 1, 5000, 0, 0, "FFP", "pass@3", null),
                Arguments.of("failure resets the streak", UNTIL_HEALTHY, 3, 5000, 0, 0, "PPFPPP", "pass@6", null),
                Arguments.of("still waiting", UNTIL_HEALTHY, 3, 5000, 0, 0, "FFPP", "-", null),
                Arguments.of("flapping never reaches 3", UNTIL_HEALTHY, 3, 1000, 0, 0, "PFPFPFPFPF", "fail@10",
                        "/health answered 503 (not 3 passing rounds in a row within 1000 ms, 10 rounds)"),
                Arguments.of("last failure is reported even if the last round passed", UNTIL_HEALTHY, 3, 500, 0, 0,
                        "FFFTP", "fail@5", "/ready timed out after 1000 ms (not 3 passing rounds in a row within 500 ms, 5 rounds)"),
                Arguments.of("too slow without any failure", UNTIL_HEALTHY, 5, 300, 0, 0, "PPP", "fail@3",
                        "only 3 of 5 passing rounds in a row within 300 ms"),
                Arguments.of("success on the deadline round wins", UNTIL_HEALTHY, 2, 300, 0, 0, "FPP", "pass@3", null),
                Arguments.of("watch passes at window end", WATCH, 0, 0, 500, 2, "PPPPP", "pass@5", null),
                Arguments.of("isolated failures are tolerated", WATCH, 0, 0, 600, 2, "PFPFPF", "pass@6", null),
                Arguments.of("watch fails mid-window", WATCH, 0, 0, 1000, 2, "PPFF", "fail@4",
                        "/health answered 503 (2 failed rounds in a row, 400 ms into the 1000 ms window)"),
                Arguments.of("threshold 1 fails on the first failure", WATCH, 0, 0, 1000, 1, "PT", "fail@2",
                        "/ready timed out after 1000 ms (1 failed rounds in a row, 200 ms into the 1000 ms window)"),
                Arguments.of("failing streak beats window end", WATCH, 0, 0, 300, 3, "FFF", "fail@3",
                        "/health answered 503 (3 failed rounds in a row, 300 ms into the 300 ms window)"),
                Arguments.of("watch still running", WATCH, 0, 0, 1000, 3, "PFFP", "-", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(String name, CheckMode mode, int consecutive, long maxWait, long window, int threshold,
                 String rounds, String expected, String reason) {
        CheckProgress progress = new CheckProgress(mode, new HealthCheckSpec(List.of("/health", "/ready"), 1000, 100,
                consecutive, maxWait, window, threshold));
        Optional<Verdict> verdict = Optional.empty();
        int decidedAt = 0;
        for (int i = 0; i < rounds.length(); i++) {
            assertTrue(verdict.isEmpty(), "decided at round " + decidedAt + " but more rounds were given");
            verdict = progress.onRound(round(rounds.charAt(i)), (i + 1) * 100L);
            decidedAt = i + 1;
        }
        if (expected.equals("-")) {
            assertEquals(Optional.empty(), verdict, "expected undecided");
            return;
        }
        Verdict v = verdict.orElseThrow(() -> new AssertionError("undecided after " + rounds));
        assertEquals(expected, (v.passed() ? "pass@" : "fail@") + v.rounds());
        assertEquals(reason, v.reason());
        assertEquals(round(rounds.charAt(rounds.length() - 1)).probes(), v.lastProbes());
    }

    @Test
    void roundFailureNamesTheFirstFailingProbe() {
        Round round = new Round(List.of(new ProbeResult("/health", 200, 3, null),
                new ProbeResult("/ready", 0, 1000, "connection refused"), new ProbeResult("/x", 500, 2, "answered 500")));
        assertFalse(round.passed());
        assertEquals("/ready connection refused", round.failure());
        assertNull(new Round(List.of(new ProbeResult("/health", 204, 1, null))).failure());
        assertFalse(new Round(List.of(new ProbeResult("/health", 302, 1, null))).passed());
    }

    static Stream<Arguments> invalid() {
        HealthCheckSpec ok = new HealthCheckSpec(List.of("/health"), 1000, 200, 3, 30000, 5000, 2);
        return Stream.of(
                Arguments.of("ftp://x", UNTIL_HEALTHY, ok, "baseUrl must be an absolute http(s) URL"),
                Arguments.of("not a url", UNTIL_HEALTHY, ok, "baseUrl must be an absolute http(s) URL"),
                Arguments.of("http://h", UNTIL_HEALTHY, new HealthCheckSpec(List.of(), 1000, 200, 3, 30000, 0, 0),
                        "spec.paths must be a non-empty list of paths starting with '/'"),
                Arguments.of("http://h", UNTIL_HEALTHY, new HealthCheckSpec(List.of("health"), 1000, 200, 3, 30000, 0, 0),
                        "spec.paths must be a non-empty list of paths starting with '/'"),
                Arguments.of("http://h", UNTIL_HEALTHY, new HealthCheckSpec(List.of("/h"), 0, 200, 3, 30000, 0, 0),
                        "spec.timeoutMs must be positive"),
                Arguments.of("http://h", WATCH, new HealthCheckSpec(List.of("/h"), 100, 0, 0, 0, 1000, 2),
                        "spec.intervalMs must be positive"),
                Arguments.of("http://h", UNTIL_HEALTHY, new HealthCheckSpec(List.of("/h"), 100, 100, 0, 30000, 0, 0),
                        "spec.consecutiveSuccesses must be at least 1"),
                Arguments.of("http://h", UNTIL_HEALTHY, new HealthCheckSpec(List.of("/h"), 100, 100, 1, 0, 0, 0),
                        "spec.maxWaitMs must be positive"),
                Arguments.of("http://h", WATCH, new HealthCheckSpec(List.of("/h"), 100, 100, 0, 0, 1000, 0),
                        "spec.failureThreshold must be at least 1"),
                Arguments.of("http://h", WATCH, new HealthCheckSpec(List.of("/h"), 100, 100, 0, 0, 0, 2),
                        "spec.windowMs must be positive"));
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("invalid")
    void rejectsChecksThatCannotRun(String baseUrl, CheckMode mode, HealthCheckSpec spec, String problem) {
        assertEquals(List.of(problem), CheckProgress.problems(baseUrl, mode, spec));
    }

    @Test
    void acceptsTheOrchestratorsChecks() {
        HealthCheckSpec spec = new HealthCheckSpec(List.of("/health", "/ready"), 1000, 200, 3, 30000, 5000, 2);
        assertEquals(List.of(), CheckProgress.problems("http://127.0.0.1:40123", UNTIL_HEALTHY, spec));
        assertEquals(List.of(), CheckProgress.problems("https://app.example/", WATCH, spec));
    }

    private static Round round(char kind) {
        return switch (kind) {
            case 'P' -> new Round(List.of(new ProbeResult("/health", 200, 2, null), new ProbeResult("/ready", 200, 2, null)));
            case 'F' -> new Round(List.of(new ProbeResult("/health", 503, 2, "answered 503"),
                    new ProbeResult("/ready", 200, 2, null)));
            case 'T' -> new Round(List.of(new ProbeResult("/health", 200, 2, null),
                    new ProbeResult("/ready", 0, 1000, "timed out after 1000 ms")));
            default -> throw new IllegalArgumentException("round " + kind);
        };
    }
}
