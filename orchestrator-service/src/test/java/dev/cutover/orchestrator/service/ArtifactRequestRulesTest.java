package dev.cutover.orchestrator.service;

import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.Violation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The request rules for the artifact's digest and the artifact policy, as every request obeys them (REST and the
 * requests topic: the first violation's field is the DeploymentRejected field).
 */
class ArtifactRequestRulesTest {

    static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static List<String> fields(String sha256, Map<String, Object> overrides) {
        return DeploymentRequestValidator.validate(new DeploymentRequest("shop", "staging", "1.0.0", "a.jar", null,
                overrides, null, sha256)).stream().map(Violation::field).toList();
    }

    @Test
    void theDigestIsOptionalAndWhenGivenSixtyFourHexDigits() {
        assertEquals(List.of(), fields(null, Map.of()));
        assertEquals(List.of(), fields(SHA, Map.of()));
        assertEquals(List.of(), fields(SHA.toUpperCase(), Map.of()));
        for (String bad : List.of("", " ", "abc", SHA + "0", SHA.substring(1), "g" + SHA.substring(1),
                "sha256:" + SHA, SHA.substring(0, 63) + "\n")) {
            assertEquals(List.of("sha256"), fields(bad, Map.of()), bad);
        }
    }

    @Test
    void normalizedInLowerCase() {
        DeploymentRequest r = DeploymentRequestValidator.normalize(new DeploymentRequest("shop", "staging", "1.0.0",
                "a.jar", null, Map.of(), null, SHA.toUpperCase()));
        assertEquals(SHA, r.sha256());
    }

    @Test
    void overridesCannotTouchTheArtifactPolicy() {
        assertEquals(List.of("overrides.artifact"), fields(null, Map.of("artifact", Map.of("require-digest", false))));
        assertEquals(List.of("overrides.artifact.allowed-sources"),
                fields(null, Map.of("artifact.allowed-sources", List.of("file:///"))));
        assertEquals(List.of(), fields(null, Map.of("artifacts", Map.of(), "router", Map.of("port", 1))));
    }
}
