package dev.cutover.provisioner.slot;

import dev.cutover.provisioner.TestProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the local provider makes of a slot's members, on processes it did not start itself. */
class LocalTargetProviderTest {

    @TempDir
    Path workDir;

    private static SlotInstance.Member member(ProcessHandle process, int port) {
        return new SlotInstance.Member("http://127.0.0.1:" + port, process.pid(),
                port, process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(null));
    }

    @Test
    void aSlotIsAliveWhileAnyMemberRunsAndNotReadyUnlessAllWereStarted() throws Exception {
        LocalTargetProvider provider = new LocalTargetProvider(TestProcesses.settings(workDir));
        SlotInstance.Member running = member(ProcessHandle.current(), 1);
        SlotInstance.Member gone = new SlotInstance.Member("http://127.0.0.1:2", Long.MAX_VALUE - 1, 2, null);

        assertTrue(provider.alive(SlotInstance.of("blue", "v1", "d1", "local:x", List.of(gone, running), 0)),
                "degraded: one member of two still runs");
        assertFalse(provider.alive(SlotInstance.of("blue", "v1", "d1", "local:x", List.of(gone), 0)));

        // a provisioner that stopped after the first of three members: on record with one, asked for three
        SlotInstance partial = SlotInstance.of("blue", "v1", "d1", "local:x", List.of(running), 3, 0);
        assertThrows(ProvisioningException.class, () -> provider.awaitReady(partial));
        // a member that is gone fails it as well
        assertThrows(ProvisioningException.class, () -> provider.awaitReady(
                SlotInstance.of("blue", "v1", "d1", "local:x", List.of(gone), 0)));
    }
}
