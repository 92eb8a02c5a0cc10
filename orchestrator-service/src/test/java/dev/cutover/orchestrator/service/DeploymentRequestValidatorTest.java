package dev.cutover.orchestrator.service;

import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.Violation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DeploymentRequestValidatorTest {

    static Stream<Arguments> requests() {
        String v129 = "1".repeat(129);
        return Stream.of(
                Arguments.of(req("shop", "staging", "2.0.0", "a.jar", null), List.of()),
                Arguments.of(req("shop", "staging", "2.0.0", "a.jar", "blue-green"), List.of()),
                Arguments.of(req("a", "b", "1".repeat(128), "a.jar", null), List.of()),
                Arguments.of(req("s".repeat(63), "prod-eu-1", "v", "a", null), List.of()),
                Arguments.of(req(null, "staging", "2.0.0", "a.jar", null), List.of("application")),
                Arguments.of(req("Shop", "staging", "2.0.0", "a.jar", null), List.of("application")),
                Arguments.of(req("-shop", "staging", "2.0.0", "a.jar", null), List.of("application")),
                Arguments.of(req("s".repeat(64), "staging", "2.0.0", "a.jar", null), List.of("application")),
                Arguments.of(req("shop", "stag/ing", "2.0.0", "a.jar", null), List.of("environment")),
                Arguments.of(req("shop", "staging", " ", "a.jar", null), List.of("version")),
                Arguments.of(req("shop", "staging", v129, "a.jar", null), List.of("version")),
                Arguments.of(req("shop", "staging", "1.0\n\u001b[31m", "a.jar", null), List.of("version")),
                Arguments.of(req("shop", "staging", "1.0 beta", "a.jar", null), List.of("version")),
                Arguments.of(req("shop", "staging", "-1.0", "a.jar", null), List.of("version")),
                Arguments.of(req("shop", "staging", "1.0/../x", "a.jar", null), List.of("version")),
                Arguments.of(req("shop", "staging", "1.0\u0000", "a.jar", null), List.of("version")),
                Arguments.of(req("shop", "staging", "2.0.0-rc.1+build.5", "a.jar", null), List.of()),
                Arguments.of(req("shop", "staging", "v1_2", "a.jar", null), List.of()),
                Arguments.of(req("shop", "staging", "2.0.0", "", null), List.of("artifact")),
                Arguments.of(req("shop", "staging", "2.0.0", "a.jar", "big-bang"), List.of("strategy")),
                Arguments.of(req("shop", "staging", "2.0.0", "a.jar", "canary"), List.of()),
                Arguments.of(req("shop", "staging", "2.0.0", "a.jar", "rolling"), List.of()),
                Arguments.of(new DeploymentRequest("shop", "staging", "2.0.0", "a.jar", null, null, "wait"),
                        List.of("onConflict")),
                Arguments.of(req(null, null, null, null, "x"),
                        List.of("application", "environment", "version", "artifact", "strategy")));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void namesEveryBadField(DeploymentRequest request, List<String> badFields) {
        assertEquals(badFields, DeploymentRequestValidator.validate(request).stream().map(Violation::field).toList());
    }

    @org.junit.jupiter.api.Test
    void unknownStrategyNamesTheKnownOnes() {
        assertEquals("unknown strategy 'big-bang'; known: blue-green, canary, rolling",
                DeploymentRequestValidator.validate(req("a", "b", "1", "a", "big-bang")).get(0).message());
        assertEquals("reject", DeploymentRequestValidator.normalize(req("a", "b", "1", "a", null)).onConflict());
        assertEquals("blue-green", DeploymentRequestValidator.normalize(req("a", "b", "1", "a", null)).strategy());
    }

    @org.junit.jupiter.api.Test
    void aQuotedBadValueCarriesNoControlCharacters() {
        String message = DeploymentRequestValidator.validate(req("a", "b", "1", "a", "x\n\u001b[31m")).get(0)
                .message();
        assertEquals(-1, message.codePoints().filter(Character::isISOControl).findAny().orElse(-1), message);
    }

    private static DeploymentRequest req(String app, String env, String version, String artifact, String strategy) {
        return new DeploymentRequest(app, env, version, artifact, strategy, null);
    }
}
