package dev.cutover.provisioner.slot;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortPoolTest {

    @Test
    void handsOutEveryPortOfTheRangeOnceBeforeRepeatingAny() throws Exception {
        PortPool pool = PortPool.parse("21000-21019");
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            int port = pool.next();
            assertTrue(port >= 21000 && port <= 21019, "out of range: " + port);
            seen.add(port);
        }
        assertEquals(20, seen.size(), "a port came back before the range was walked: " + seen);
    }

    @Test
    void skipsPortsSomethingListensOn() throws Exception {
        PortPool pool = new PortPool(21100, 21116);
        try (ServerSocket taken = new ServerSocket(21105, 1, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 40; i++) {
                int port = pool.next();
                assertFalse(port == 21105, "handed out a port in use");
            }
        }
    }

    @Test
    void aPairNeedsBothPortsFreeAndInsideTheRange() throws Exception {
        PortPool pool = new PortPool(21200, 21216);
        try (ServerSocket taken = new ServerSocket(21207, 1, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 40; i++) {
                int port = pool.next(2);
                assertTrue(port != 21206 && port != 21207 && port + 1 <= 21216, "bad pair at " + port);
            }
        }
    }

    @Test
    void aFullRangeIsAnErrorNotALoop() throws Exception {
        PortPool pool = new PortPool(21300, 21316);
        ServerSocket[] all = new ServerSocket[17];
        try {
            for (int i = 0; i < all.length; i++) {
                all[i] = new ServerSocket(21300 + i, 1, InetAddress.getLoopbackAddress());
            }
            ProvisioningException e = assertThrows(ProvisioningException.class, pool::next);
            assertTrue(e.getMessage().contains("21300-21316"), e.getMessage());
        } finally {
            for (ServerSocket s : all) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    @Test
    void badRangesAreRefusedWithTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PortPool.parse("20000"))
                .getMessage().contains("'20000'"));
        assertThrows(IllegalArgumentException.class, () -> PortPool.parse("80-90"));
        assertThrows(IllegalArgumentException.class, () -> PortPool.parse("30000-30005"));
        assertThrows(IllegalArgumentException.class, () -> PortPool.parse("60000-70000"));
    }
}
