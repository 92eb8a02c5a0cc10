package dev.cutover.e2e;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The embedded stack is not reachable from the network by default: every service listens on 127.0.0.1 only, as the
 * kernel reports it (/proc/net/tcp and tcp6), not as the services say.
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
