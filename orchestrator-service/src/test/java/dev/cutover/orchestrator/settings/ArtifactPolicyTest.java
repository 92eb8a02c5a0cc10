package dev.cutover.orchestrator.settings;

import dev.cutover.orchestrator.model.Violation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which artifacts an environment's policy lets through, compared as canonical URLs. */
class ArtifactPolicyTest {

    static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    static final ArtifactPolicy PRODUCTION = new ArtifactPolicy(
            List.of("file:///opt/releases/", "https://artifacts.example/"), true);

    @ParameterizedTest
    @ValueSource(strings = {"file:///opt/releases/shop-2.0.0.jar", "file:/opt/releases/shop/2.0.0/shop.jar",
            "/opt/releases/shop.jar", "FILE:///opt/releases/a.jar", "https://artifacts.example/shop/shop.jar",
            "https://ARTIFACTS.example/shop.jar", "file://localhost/opt/releases/a.jar"})
    void allowed(String artifact) {
        assertNull(PRODUCTION.check(artifact, SHA, "production"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///tmp/shop.jar", "file:///opt/releases-old/shop.jar", "file:///opt/releases",
            "file:///opt/releases/../../etc/passwd", "file:///opt/releases/%2e%2e/x.jar",
            "file:///opt/releases//x.jar", "file:///opt/releases/./x.jar", "https://artifacts.example.evil.com/x.jar",
            "https://artifacts.example@evil.com/x.jar", "https://evil.com/artifacts.example/x.jar",
            "http://artifacts.example/x.jar", "https://artifacts.example:8443/x.jar", "file://evil/opt/releases/x.jar",
            "ftp://artifacts.example/x.jar", "file:opt/releases/x.jar", "shop.jar", "https://artifacts.example/x.jar?a=1",
            "", "not a url"})
    void refusedNamingTheArtifact(String artifact) {
        Violation v = PRODUCTION.check(artifact, SHA, "production");
        assertEquals("artifact", v == null ? null : v.field(), artifact);
    }

    @Test
    void aMissingDigestIsNamedWhereOneIsRequired() {
        assertEquals("sha256", PRODUCTION.check("file:///opt/releases/a.jar", null, "production").field());
        assertEquals("sha256", PRODUCTION.check("file:///opt/releases/a.jar", " ", "production").field());
        ArtifactPolicy staging = new ArtifactPolicy(PRODUCTION.allowedSources(), false);
        assertNull(staging.check("file:///opt/releases/a.jar", null, "staging"));
        // the source is checked first: a disallowed artifact is named even without its digest
        assertEquals("artifact", PRODUCTION.check("file:///tmp/a.jar", null, "production").field());
    }

    @Test
    void anEmptyListAllowsNothingAndASourceWithoutSlashMatchesWholeSegments() {
        assertEquals("artifact", new ArtifactPolicy(List.of(), false).check("file:///opt/releases/a.jar", null,
                "x").field());
        ArtifactPolicy noSlash = new ArtifactPolicy(List.of("file:///opt/releases"), false);
        assertNull(noSlash.check("file:///opt/releases/a.jar", null, "x"));
        assertEquals("artifact", noSlash.check("file:///opt/releases-old/a.jar", null, "x").field());
    }

    @Test
    void readFromTheResolvedConfiguration() {
        assertEquals(ArtifactPolicy.NONE, RunSettings.artifactPolicy(Map.of("router", Map.of("port", 1))));
        assertNull(ArtifactPolicy.NONE.check("file:///anywhere/a.jar", null, "x"));
        assertEquals(PRODUCTION, RunSettings.artifactPolicy(Map.of("artifact", Map.of("allowed-sources",
                List.of("file:///opt/releases/", "https://artifacts.example/"), "require-digest", true))));
        assertEquals(PRODUCTION, RunSettings.artifactPolicy(Map.of("artifact.allowed-sources",
                "file:///opt/releases/, https://artifacts.example/", "artifact.require-digest", true)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunSettings.artifactPolicy(Map.of("artifact", Map.of("require-digest", "maybe"))));
        assertEquals(true, e.getMessage().startsWith("artifact.require-digest"), e.getMessage());
    }
}
