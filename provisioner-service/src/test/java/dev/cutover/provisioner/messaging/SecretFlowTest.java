package dev.cutover.provisioner.messaging;

import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.provisioner.TestProcesses;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secret references through the whole provisioner on a real broker: the instance gets the value; the log, the
 * state files, the events, GET /slots and /q/metrics never do.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalSecretsTestResource.class, restrictToAnnotatedClass = false)
class SecretFlowTest extends ProvisionerBrokerTest {

    private static final Path WORK_DIR = ProvisionerTopics.WORK_DIR;
    private static String secret;
    /** The provisioner's own CUTOVER_SECRET_INHERITED_CANARY (set by this module's surefire configuration). */
    private static final String CANARY = System.getenv("CUTOVER_SECRET_INHERITED_CANARY");

    @BeforeAll
    static void readTheSecret() throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(LocalSecretsTestResource.SECRETS, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        secret = p.getProperty("probe-token");
        assertTrue(secret != null && secret.startsWith("probe-"), "secret file not written by the test resource");
        assertTrue(CANARY != null && !CANARY.isEmpty(), "CUTOVER_SECRET_INHERITED_CANARY not set by surefire");
    }

    private static Target newTarget() {
        return new Target("vault", "it-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static String filesUnder(Path dir) throws Exception {
        StringBuilder all = new StringBuilder();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    all.append(Files.readString(f));
                }
            }
        }
        return all.toString();
    }

    @Test
    void theInstanceGetsTheSecretAndNothingTheProvisionerShowsContainsIt() throws Exception {
        Target target = newTarget();
        String id = "dep-" + UUID.randomUUID();
        Path probe = LocalSecretsTestResource.DIR.resolve(target.environment() + ".sha256");
        Path script = TestProcesses.secretProbeScript(LocalSecretsTestResource.DIR.resolve("bin"));
        ProvisionSlot command = new ProvisionSlot(Meta.start(id), target, "blue", "v1", "file:" + script,
                Map.of("SECRET_PROBE", "secret://probe-token", "PROBE_FILE", probe.toString(), "LOG_LEVEL", "debug",
                        "CANARY", "secret://inherited-canary"), // from the provisioner's CUTOVER_SECRET_INHERITED_CANARY
                TestProcesses.freeRouterPort());
        provisioner.send(command);

        SlotProvisioned up = provisioner.awaitReply(SlotProvisioned.class, command);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.isRegularFile(probe));
        assertEquals(TestProcesses.sha256(secret), Files.readString(probe).strip(), "the instance got another value");
        assertEquals("version=v1 slot=blue", TestProcesses.get(up.instanceUrl() + "/").body().strip());
        List<String> names = Files.readAllLines(Path.of(probe + ".names"));
        assertTrue(names.containsAll(List.of("SECRET_PROBE", "CANARY", "LOG_LEVEL", "PORT")), names::toString);
        assertFalse(names.contains("CUTOVER_SECRET_INHERITED_CANARY"), "the instance inherited the provisioner's secrets");

        String pid = up.instanceId().substring("local:".length());
        String log = Files.readString(LocalSecretsTestResource.LOG);
        assertTrue(log.contains("Resolved 2 secret reference(s) from local for " + target + " slot blue"), "log not captured");
        assertFalse(log.contains(secret), "the secret value is in the provisioner's log");
        assertFalse(log.contains(CANARY), "the canary's value is in the provisioner's log");

        String state = filesUnder(WORK_DIR.resolve("state"));
        assertTrue(state.contains(pid), "state files not read");
        assertFalse(state.contains(secret) || state.contains(CANARY), "a secret value is in a state file");

        String slots = given().get("/slots").then().statusCode(200).extract().asString();
        assertTrue(slots.contains(pid), slots);
        assertFalse(slots.contains(secret) || slots.contains(CANARY), "GET /slots shows a secret value");

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("cutover_provisioner_secrets_resolutions_total{outcome=\"resolved\",store=\"local\"}"),
                "secret meters missing");
        assertTrue(metrics.contains("cutover_provisioner_secrets_resolve_seconds_count{store=\"local\"}"), "timer missing");
        assertFalse(metrics.contains(secret) || metrics.contains(CANARY), "/q/metrics shows a secret value");

        assertTrue(provisioner.kafka().records(Topics.PROVISIONER_EVENTS).stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .noneMatch(v -> v.contains(secret) || v.contains(CANARY)), "an event carries a secret value");
    }

    @Test
    void aMissingSecretIsProvisioningFailedNamingItAndNothingStarts() throws Exception {
        Target target = newTarget();
        String id = "dep-" + UUID.randomUUID();
        ProvisionSlot command = new ProvisionSlot(Meta.start(id), target, "green", "v2",
                "file:" + TestProcesses.sampleAppJar(), Map.of("DB_PASSWORD", "secret://db-password", "LOG_LEVEL", "debug"),
                TestProcesses.freeRouterPort());
        provisioner.send(command);

        ProvisioningFailed failed = provisioner.awaitReply(ProvisioningFailed.class, command);
        assertEquals("provision", failed.operation());
        assertEquals("green", failed.slot());
        assertEquals(FailureCause.CONFIGURATION, failed.cause(), "what the orchestrator classifies by");
        // the one wording check here: the variable and the secret
        assertTrue(failed.reason().startsWith("configuration error: variable DB_PASSWORD: secret 'db-password' not found in local"),
                failed.reason());

        String safe = target.application() + "-" + target.environment();
        assertFalse(Files.exists(WORK_DIR.resolve("logs/router-" + safe + ".log")), "a router was started");
        assertFalse(Files.exists(WORK_DIR.resolve("logs/" + safe + "-green-v2.log")), "an instance was started");
        // the registry keeps only the answer (a redelivery answers it again): no router, no slot
        var recorded = new dev.cutover.provisioner.slot.SlotRegistry(WORK_DIR.resolve("state")).reload(target);
        assertTrue(recorded.slots().isEmpty(), "the registry recorded a slot");
        assertEquals(null, recorded.routerPort(), "the registry recorded a router");
        assertFalse(given().get("/slots").then().statusCode(200).extract().asString().contains(target.environment()));
        assertTrue(given().get("/q/metrics").then().statusCode(200).extract().asString()
                .contains("cutover_provisioner_secrets_resolutions_total{outcome=\"not-found\",store=\"local\"}"));
    }
}
