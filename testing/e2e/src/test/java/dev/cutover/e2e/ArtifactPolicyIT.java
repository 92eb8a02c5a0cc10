package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.local.CutoverClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The artifact policy on the real stack: a disallowed source and a digest mismatch each stop the deployment as a
 * configuration error naming the field, before any process of that version starts (no instance log, no slot, no
 * router backend, no process); the right digest deploys.
 */
class ArtifactPolicyIT {

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode run(Deployments d, Map<String, Object> request) {
        CutoverClient.Response response = d.client.deploy(request);
        assertEquals(202, response.status(), () -> "not accepted: " + response.body());
        return d.client.awaitTerminal(response.body().path("id").asText(), Duration.ofMinutes(2));
    }

    /**
     * FAILED with a configuration error (not retried) whose reason names {@code field}, with the environment's
     * configuration resolved (the policy refused the request, not the config-service its configuration).
     */
    private static void assertConfigurationFailure(JsonNode done, String field) {
        assertEquals("FAILED", done.path("status").asText(), done::toString);
        assertTrue(done.path("configHash").isTextual(), () -> "configuration not resolved: " + done);
        JsonNode failures = done.path("failures");
        assertEquals(1, failures.size(), done::toString);
        JsonNode failure = failures.path(0);
        assertEquals("CONFIGURATION_ERROR", failure.path("type").asText(), done::toString);
        assertFalse(failure.path("recoverable").asBoolean(true), done::toString);
        assertEquals(1, done.path("attempt").asInt(), "retried: " + done);
        assertTrue(failure.path("reason").asText().contains(field), done::toString);
    }

    /** No process of {@code version} of the app ever started: no instance log, nothing running, nothing on record. */
    private static void assertNeverStarted(Deployments d, String version) {
        Path logs = d.stack.logs().getParent().resolve("provisioner").resolve("logs");
        try (Stream<Path> files = Files.isDirectory(logs) ? Files.list(logs) : Stream.empty()) {
            List<String> started = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(d.app + "-") && n.contains("-" + version)).toList();
            assertEquals(List.of(), started, "an instance of " + version + " was started");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertFalse(Stack.runningVersions(d.app).contains(version), () -> "running: " + Stack.runningVersions(d.app));
        for (JsonNode target : d.stack.client("provisioner-service").get("/slots").body()) {
            if (d.app.equals(target.path("application").asText())) {
                for (JsonNode slot : target.path("slots")) {
                    assertNotEquals(version, slot.path("version").asText(), "on record: " + target);
                }
            }
        }
    }

    @Test
    void aDisallowedSourceStopsBeforeAnythingStarts(@TempDir Path dir) throws IOException {
        Deployments d = new Deployments("art-source");
        Path elsewhere = Files.copy(d.stack.sampleAppJar(), dir.resolve("sample-app.jar"));
        Map<String, Object> request = d.request("1.0.0", "blue-green", Map.of());
        request.put("artifact", elsewhere.toUri().toString());
        request.put("sha256", sha256(elsewhere)); // the right digest does not make a disallowed source allowed
        JsonNode done = run(d, request);
        assertConfigurationFailure(done, "artifact");
        assertEquals("config", done.path("failures").path(0).path("stage").asText(), done::toString);
        assertNeverStarted(d, "1.0.0");
        // a path that climbs out of the allowed folder is no way around it
        Map<String, Object> climbing = d.request("1.0.1", "blue-green", Map.of());
        climbing.put("artifact", d.stack.sampleAppJar().getParent().toUri() + "../../../../" + dir.getFileName());
        assertConfigurationFailure(run(d, climbing), "artifact");
        assertNeverStarted(d, "1.0.1");
    }

    @Test
    void aDigestMismatchStopsBeforeTheArtifactStartsAndTheRightDigestDeploys() {
        Deployments d = new Deployments("art-digest");
        Map<String, Object> wrong = d.request("1.0.0", "blue-green", Map.of());
        wrong.put("sha256", "0".repeat(64));
        JsonNode failed = run(d, wrong);
        assertConfigurationFailure(failed, "sha256");
        assertNeverStarted(d, "1.0.0");

        Map<String, Object> right = d.request("1.0.1", "blue-green", Map.of());
        right.put("sha256", sha256(d.stack.sampleAppJar()));
        JsonNode done = run(d, right);
        assertEquals("SUCCEEDED", done.path("status").asText(), done::toString);
        assertEquals(sha256(d.stack.sampleAppJar()), done.path("sha256").asText(), done::toString);
        assertTrue(d.routerBackends().toString().contains(done.path("slot").asText()), d.routerBackends()::toString);
    }

    @Test
    void productionRequiresADigest() {
        Deployments d = new Deployments("art-prod");
        Map<String, Object> request = d.request("1.0.0", "blue-green", Map.of());
        request.put("environment", "production");
        request.remove("sha256");
        assertConfigurationFailure(run(d, request), "sha256");
        assertNeverStarted(d, "1.0.0");
    }
}
