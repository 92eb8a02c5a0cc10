package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.local.LocalStack;
import dev.cutover.local.TrafficLoop;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generic local target: a non-JVM application (the sample app's Python twin, a .tar.gz with a start command
 * using {port}) deploys blue-green and then canary end to end, under user traffic through its router.
 */
class GenericTargetIT {

    @Test
    void pythonAppDeploysBlueGreenThenCanary() throws Exception {
        LocalStack stack = Stack.get();
        Path archive = stack.sampleAppJar().getParent().resolve("sample-app-python.tar.gz");
        assertTrue(Files.isRegularFile(archive), "not built: " + archive);
        Deployments d = new Deployments("py-app", archive, sha256(archive));
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Map<String, Object> settings = CanaryIT.fast(Map.of(
                "app", Map.of("command", python + " app.py --port {port}"),
                "canary", Map.of("steps", List.of(25, 100)),
                "analysis", Map.of("insufficient-data-policy", "pass")));
        JsonNode v1 = d.run("1.0.0", "blue-green", settings);
        assertEquals("SUCCEEDED", v1.path("status").asText(), v1::toString);
        await().atMost(Duration.ofSeconds(10)).until(() -> pythonInstances(stack, "py-app") == 1);
        try (TrafficLoop traffic = TrafficLoop.start(d.router(), 50)) {
            Scenario.assertServesOnly(traffic, "1.0.0");
            JsonNode v2 = d.run("2.0.0", "canary", settings);
            System.out.println("[figures] generic target (python .tar.gz): blue-green " + v1.path("status").asText()
                    + ", canary " + v2.path("status").asText() + " " + Scenario.verdicts(v2) + ", traffic " + traffic);
            assertEquals("SUCCEEDED", v2.path("status").asText(), v2::toString);
            Scenario.assertServesOnly(traffic, "2.0.0");
            assertEquals(0, traffic.failed(), () -> "failed user requests: " + traffic.failures());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> pythonInstances(stack, "py-app") == 1);
    }

    /** Live Python processes of the application (the OS's word): app.py with its marker variable. */
    static long pythonInstances(LocalStack stack, String app) {
        return stack.stackProcesses().stream().filter(p -> {
            try {
                String cmdline = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline"),
                        StandardCharsets.ISO_8859_1);
                return cmdline.contains("app.py") && LocalStack.environment(p.pid()).contains("E2E_APP=" + app);
            } catch (Exception gone) {
                return false;
            }
        }).count();
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
