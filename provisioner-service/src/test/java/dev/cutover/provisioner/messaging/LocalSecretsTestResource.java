package dev.cutover.provisioner.messaging;

import dev.cutover.provisioner.TestProcesses;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * Gives the provisioner under test a local secret file (chmod 600, a fresh random {@code probe-token} per run)
 * and writes the service's log to a file, so that tests can prove a value never reaches the log. Global (see
 * SecretFlowTest): the store checks its file when it is created, at startup.
 */
public class LocalSecretsTestResource implements QuarkusTestResourceLifecycleManager {

    static final Path DIR = Path.of("target/secrets-test").toAbsolutePath();
    static final Path SECRETS = DIR.resolve("secrets.properties");
    static final Path LOG = DIR.resolve("provisioner.log");

    @Override
    public Map<String, String> start() {
        try {
            Files.deleteIfExists(LOG); // each run checks its own log
            TestProcesses.ownerOnlyFile(SECRETS, "probe-token=probe-" + UUID.randomUUID() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "cutover.secrets.store", "local",
                "cutover.secrets.local.file", SECRETS.toString(),
                "quarkus.log.file.enabled", "true",
                "quarkus.log.file.path", LOG.toString(),
                "quarkus.log.category.\"dev.cutover\".level", "DEBUG");
    }

    @Override
    public void stop() {
        // the files stay in target/ for a look after a failure
    }
}
