package dev.cutover.e2e;

import dev.cutover.local.CutoverClient;
import dev.cutover.local.LocalStack;
import dev.cutover.security.local.LocalSigningKey;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded stack is not reachable from the network by default: every service listens on 127.0.0.1 only, as the
 * kernel reports it (/proc/net/tcp and tcp6), not as the services say; and even from this machine every API call
 * needs a token signed with the run's owner-only key.
 */
class LoopbackIT {

    /** 127.0.0.1, ::ffff:127.0.0.1 and ::1 as /proc/net/tcp and tcp6 write them. */
    private static final List<String> LOOPBACK = List.of("0100007F", "0000000000000000FFFF00000100007F",
            "00000000000000000000000001000000");

    private static final List<String> SERVICES = List.of("config-service", "provisioner-service",
            "health-monitor-service", "rollback-service", "orchestrator-service");

    @Test
    void everyServiceListensOnLoopbackOnly() throws Exception {
        for (String service : SERVICES) {
            int port = Stack.get().serviceUrl(service).getPort();
            List<String> listening = listeners(port);
            assertFalse(listening.isEmpty(), service + " listens on port " + port);
            assertEquals(List.of(), listening.stream().filter(a -> !LOOPBACK.contains(a)).toList(),
                    service + " on port " + port + " listens on " + listening + " (0.0.0.0 / :: = every interface)");
        }
    }

    /** A path of each service's own API (health monitor and rollback have none: any path is protected). */
    private static final Map<String, String> API = Map.of("config-service", "/environments", "provisioner-service",
            "/slots", "health-monitor-service", "/anything", "rollback-service", "/anything", "orchestrator-service",
            "/deployments");

    @Test
    void everyServiceRefusesCallsWithoutAValidTokenAndHealthStaysOpen() throws Exception {
        LocalStack stack = Stack.get();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                Path.of("target", "e2e-work", LocalSigningKey.FILE_NAME))));
        for (String service : SERVICES) {
            CutoverClient anonymous = new CutoverClient(stack.serviceUrl(service));
            String path = API.get(service);
            for (String bad : new String[] {null, "not-a-jwt",
                    stack.tokens().grant("admin", "*", "*").issuer("someone-else").mint(),
                    stack.tokens().grant("admin", "*", "*").audience("other").mint(),
                    stack.tokens().grant("admin", "*", "*").issuedAt(Instant.now().minus(Duration.ofHours(1))).mint(),
                    new dev.cutover.security.local.LocalTokens(LocalSigningKey.generate()).grant("admin", "*", "*")
                            .mint()}) {
                CutoverClient.Response r = anonymous.withToken(bad).get(path);
                assertEquals(401, r.status(), service + " " + path + " without a valid token");
                assertTrue(r.contentType().startsWith("application/problem+json"), service + ": " + r.contentType());
            }
            assertEquals(200, anonymous.get("/q/health/ready").status(), service + " health needs no token");
            if (!path.equals("/anything")) {
                assertEquals(200, stack.client(service).get(path).status(), service + " " + path + " with a token");
            }
        }
    }

    /** Local addresses (hex, as the kernel writes them) of sockets in LISTEN state on {@code port}. */
    private static List<String> listeners(int port) throws Exception {
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        List<String> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(":" + hexPort) && "0A".equals(f[3])) {
                    addresses.add(f[1].substring(0, f[1].indexOf(':')));
                }
            }
        }
        return addresses;
    }
}
