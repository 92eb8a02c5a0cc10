package dev.cutover.provisioner.slot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalProcessesTest {

    @ParameterizedTest(name = "{0} withheld from children: {1}")
    @CsvSource({
            "CUTOVER_SECRET_DB_PASSWORD, true",
            "CUTOVER_SECRET_, true",
            "AZURE_CLIENT_SECRET, true",
            "AZURE_CLIENT_CERTIFICATE_PATH, true",
            "AZURE_CLIENT_CERTIFICATE_PASSWORD, true",
            "AZURE_USERNAME, true",
            "AZURE_PASSWORD, true",
            "AZURE_FEDERATED_TOKEN_FILE, true",
            "AZURE_CLIENT_ID, false", // an identifier, not a credential
            "AZURE_TENANT_ID, false",
            "CUTOVER_SECRETS, false",
            "PATH, false",
            "JAVA_HOME, false",
            "HOME, false"})
    void theProvisionersCredentialsAreNotInherited(String variable, boolean withheld) {
        assertEquals(withheld, LocalProcesses.provisionerCredential(variable));
    }

    @Test
    void stopAllEndsEveryProcessWithinOneGracePeriod(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("sleep.log");
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pids.add(LocalProcesses.spawn(List.of("sleep", "60"), Map.of(), log, false).pid());
        }
        // one that ignores SIGTERM: killed once the grace period is over
        pids.add(LocalProcesses.spawn(List.of("sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"), Map.of(), log,
                false).pid());
        long t0 = System.nanoTime();
        LocalProcesses.stopAll(pids, Duration.ofSeconds(1));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still runs");
        }
        assertTrue(tookMs < 4_000, "one grace period for all, not one each: " + tookMs + " ms");
    }
}
