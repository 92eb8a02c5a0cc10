package dev.cutover.orchestrator.cdevents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.orchestrator.cdevents.CloudEvent.InvalidCloudEvent;
import dev.cutover.orchestrator.model.DeploymentRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The CDEvents schemas as loaded from the classpath, the CloudEvents bindings, and the purl mapping rules. */
class CdEventSchemasTest {

    private static final String SHA = "a".repeat(64);

    record Rule(String purl, Optional<String> application, Optional<String> environment, Optional<String> artifact,
                Optional<String> strategy) implements CdEventsConfig.Rule {
    }

    private final ArtifactMapping mapping = new ArtifactMapping(Map.of(
            "generic", new Rule("pkg:generic/", Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty()),
            "acme", new Rule("pkg:oci/acme/shop", Optional.of("shop"), Optional.of("staging"),
                    Optional.of("https://artifacts.example/{name}/{version}.tar.gz"), Optional.of("canary"))),
            CdEventsFixtures.JSON);

    @Test
    void aPublishedArtifactValidatesAndWhatBreaksItsSchemaIsNamed() {
        ObjectNode valid = CdEventsFixtures.artifactPublished("pkg:generic/shop@1.2.3", Map.of("environment", "dev"));
        assertEquals(java.util.List.of(), CdEventSchemas.get().violations(valid));

        ObjectNode noSubjectId = valid.deepCopy();
        ((ObjectNode) noSubjectId.get("subject")).remove("id");
        assertFalse(CdEventSchemas.get().violations(noSubjectId).isEmpty());

        ObjectNode extra = valid.deepCopy();
        ((ObjectNode) extra.get("subject").get("content")).put("color", "blue");
        assertFalse(CdEventSchemas.get().violations(extra).isEmpty());

        ObjectNode noTimestamp = valid.deepCopy();
        ((ObjectNode) noTimestamp.get("context")).remove("timestamp");
        assertFalse(CdEventSchemas.get().violations(noTimestamp).isEmpty());

        ObjectNode unknownType = valid.deepCopy();
        ((ObjectNode) unknownType.get("context")).put("type", "dev.cdevents.artifact.exploded.0.1.0");
        assertThrows(IllegalArgumentException.class, () -> CdEventSchemas.get().violations(unknownType));
        ObjectNode otherVersion = valid.deepCopy();
        ((ObjectNode) otherVersion.get("context")).put("type", "dev.cdevents.artifact.published.0.1.0");
        assertThrows(IllegalArgumentException.class, () -> CdEventSchemas.get().violations(otherVersion));
    }

    @Test
    void linksResolveFromTheClasspath() {
        ObjectNode linked = CdEventsFixtures.artifactPublished("pkg:generic/shop@1.2.3", null);
        ((ObjectNode) linked.get("context")).putArray("links").addObject().put("linkType", "RELATION")
                .put("linkKind", "TRIGGER").putObject("target").put("contextId", "abc");
        assertEquals(java.util.List.of(), CdEventSchemas.get().violations(linked));
        ((ObjectNode) linked.get("context").get("links").get(0)).put("linkType", "NOT-A-LINK");
        assertFalse(CdEventSchemas.get().violations(linked).isEmpty());
    }

    @Test
    void aGenericPurlMapsItsNameVersionDownloadUrlAndChecksum() {
        DeploymentRequest r = mapping.request(CdEventsFixtures.artifactPublished(
                "pkg:generic/catalog@7.1.0?checksum=sha256:" + SHA + "&download_url=file%3A%2Fapps%2Fcatalog.jar",
                Map.of("environment", "development", "overrides", Map.of("health", Map.of("max-wait-ms", 500)))));
        assertEquals("catalog", r.application());
        assertEquals("development", r.environment());
        assertEquals("7.1.0", r.version());
        assertEquals("file:/apps/catalog.jar", r.artifact());
        assertEquals(SHA, r.sha256());
        assertNull(r.strategy());
        assertEquals(Map.of("health", Map.of("max-wait-ms", 500)), r.overrides());
    }

    @Test
    void aRuleNamesTheApplicationEnvironmentArtifactAndStrategy() {
        DeploymentRequest r = mapping.request(CdEventsFixtures.artifactPublished("pkg:oci/acme/shop@2.0.0", null));
        assertEquals(new DeploymentRequest("shop", "staging", "2.0.0", "https://artifacts.example/shop/2.0.0.tar.gz",
                "canary", Map.of(), null, null), r);
    }

    @Test
    void whatDoesNotMapIsRefused() {
        // no rule for npm; no version; no environment; no artifact location; not a purl
        for (String purl : new String[] {"pkg:npm/left-pad@1.0.0", "pkg:generic/shop?download_url=x",
                "pkg:generic/shop@1.0.0", "not a purl"}) {
            assertThrows(InvalidCloudEvent.class, () -> mapping.request(CdEventsFixtures.artifactPublished(purl,
                    purl.startsWith("pkg:generic/shop@") ? Map.of("environment", "dev") : null)), purl);
        }
        assertThrows(InvalidCloudEvent.class, () -> mapping.request(CdEventsFixtures.artifactPublished(
                "pkg:generic/shop@1.0.0?download_url=file:/a.jar", null)));
    }

    @Test
    void bothContentModesReadTheSameEvent() throws Exception {
        ObjectNode cdevent = CdEventsFixtures.artifactPublished("pkg:generic/shop@1.2.3", null);
        byte[] data = CdEventsFixtures.JSON.writeValueAsBytes(cdevent);
        Map<String, String> binary = Map.of("ce_specversion", "1.0", "ce_id", "e-1", "ce_source", "/ci",
                "ce_type", "dev.cdevents.artifact.published.0.3.0", "content-type", "application/json");
        CloudEvent b = CloudEvent.read(binary::get, "ce_", data, CdEventsFixtures.JSON);
        CloudEvent s = CloudEvent.read(Map.of("content-type", "application/cloudevents+json; charset=utf-8")::get,
                "ce_", CdEventsFixtures.JSON.writeValueAsBytes(b.structured(CdEventsFixtures.JSON)),
                CdEventsFixtures.JSON);
        assertEquals("e-1", s.id());
        assertEquals(b.type(), s.type());
        assertEquals(cdevent, s.data());
        assertEquals(cdevent, b.data());

        assertThrows(InvalidCloudEvent.class, () -> CloudEvent.read(Map.<String, String>of()::get, "ce_", data,
                CdEventsFixtures.JSON));
        assertThrows(InvalidCloudEvent.class, () -> CloudEvent.read(Map.of("ce_type", "x", "ce_id", "1",
                "ce_source", "/", "ce_specversion", "0.3")::get, "ce_", data, CdEventsFixtures.JSON));
        assertThrows(InvalidCloudEvent.class, () -> CloudEvent.read(binary::get, "ce_",
                "[1]".getBytes(StandardCharsets.UTF_8), CdEventsFixtures.JSON));
    }

    @Test
    void theEmittedPurlCarriesTheDigest() throws Exception {
        assertEquals("pkg:generic/shop@1.2.3", ArtifactMapping.purlOf("shop", "1.2.3", null));
        com.github.packageurl.PackageURL purl = new com.github.packageurl.PackageURL(
                ArtifactMapping.purlOf("shop", "1.2.3", SHA));
        assertEquals("shop", purl.getName());
        assertEquals("sha256:" + SHA, purl.getQualifiers().get("checksum"));
    }
}
