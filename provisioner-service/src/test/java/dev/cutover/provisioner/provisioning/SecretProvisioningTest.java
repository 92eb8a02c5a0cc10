package dev.cutover.provisioner.provisioning;

import dev.cutover.events.MessageCodec;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.Target;
import dev.cutover.provisioner.TestProcesses;
import dev.cutover.provisioner.config.ProvisionerConfig;
import dev.cutover.secrets.LocalSecretStore;
import dev.cutover.provisioner.secret.SecretResolver;
import dev.cutover.provisioner.slot.LocalProcesses;
import dev.cutover.provisioner.slot.LocalTargetProvider;
import dev.cutover.provisioner.slot.SlotRegistry;
import dev.cutover.provisioner.traffic.LocalTrafficRouter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Secret references resolved by the local store into real instance processes (no Quarkus, no broker). */
class SecretProvisioningTest {

    private static final Target SHOP = new Target("shop", "secrets");
    /** Set in the test JVM's environment by this module's surefire configuration. */
    private static final String INHERITED = "CUTOVER_SECRET_INHERITED_CANARY";

    @TempDir
    Path workDir;

    private final String secret = "probe-" + UUID.randomUUID();
    private int routerPort;
    private SlotRegistry registry;
    private ProvisioningService service;

    @BeforeEach
    void setUp() throws Exception {
        routerPort = TestProcesses.freeRouterPort();
        Path secrets = TestProcesses.ownerOnlyFile(workDir.resolve("secrets.properties"), "probe-token=" + secret + "\n");
        ProvisionerConfig.Local settings = TestProcesses.settings(workDir);
        registry = new SlotRegistry(workDir.resolve("state"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        service = new ProvisioningService(new LocalTargetProvider(settings), new LocalTrafficRouter(settings), registry,
                new ProvisionerMetrics(meters, registry),
                new SecretResolver(new LocalSecretStore(System.getenv(), Optional.of(secrets)), meters));
        service.load();
    }

    @AfterEach
    void killEverything() {
        TestProcesses.killAll(workDir);
    }

    private ProvisionSlot provision(String deploymentId, String slot, String version, String artifact, Map<String, String> env) {
        return new ProvisionSlot(Meta.start(deploymentId), SHOP, slot, version, artifact, env, routerPort);
    }

    /** Every file under the work dir except the instance logs (what an app prints is its own business). */
    private String everythingTheProvisionerWrote() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("shop-secrets-"))
                    .filter(f -> !f.getFileName().toString().equals("secrets.properties")).toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }

    @Test
    void theInstanceReceivesTheSecretValueAndTheRegistryAndEventOnlySeeTheReference() throws Exception {
        Path probe = workDir.resolve("probe.sha256");
        Path script = TestProcesses.secretProbeScript(workDir.resolve("bin"));
        ProvisionSlot command = provision("d1", "blue", "v1", "file:" + script,
                Map.of("SECRET_PROBE", "secret://probe-token", "PROBE_FILE", probe.toString()));

        SlotProvisioned p = assertInstanceOf(SlotProvisioned.class, service.handle(command));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.isRegularFile(probe));
        assertEquals(TestProcesses.sha256(secret), Files.readString(probe).strip());
        assertEquals("version=v1 slot=blue", TestProcesses.get(p.instanceUrl() + "/").body().strip());

        assertFalse(MessageCodec.encodeToString(p).contains(secret));
        String written = everythingTheProvisionerWrote();
        assertTrue(written.contains(p.instanceId().substring("local:".length())), "state file not read");
        assertFalse(written.contains(secret), "the secret value reached a file the provisioner wrote");
    }

    @Test
    void anInstanceGetsOnlyTheSecretsItReferencesNeverTheProvisionersOwn() throws Exception {
        String canary = System.getenv(INHERITED);
        assertTrue(canary != null && !canary.isEmpty(), INHERITED + " must be set by the surefire configuration");
        Path probe = workDir.resolve("probe.sha256");
        ProvisionSlot command = provision("d1", "blue", "v1", "file:" + TestProcesses.secretProbeScript(workDir.resolve("bin")),
                Map.of("SECRET_PROBE", "secret://inherited-canary", "PROBE_FILE", probe.toString()));

        assertInstanceOf(SlotProvisioned.class, service.handle(command));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.isRegularFile(probe));
        // the store read it from the provisioner's environment and handed it over under the referencing name...
        assertEquals(TestProcesses.sha256(canary), Files.readString(probe).strip());
        // ...but the child did not inherit the provisioner's variable itself
        List<String> names = Files.readAllLines(Path.of(probe + ".names"));
        assertTrue(names.containsAll(List.of("SECRET_PROBE", "PROBE_FILE", "PORT", "CUTOVER_SLOT", "PATH")), names::toString);
        assertFalse(names.contains(INHERITED), names::toString);
    }

    @Test
    void aMissingSecretStartsNothingAndNamesSecretAndVariable() throws Exception {
        ProvisionSlot command = provision("d1", "blue", "v1", "file:" + TestProcesses.sampleAppJar(),
                Map.of("DB_PASSWORD", "secret://db-password", "LOG_LEVEL", "debug"));

        ProvisioningFailed failed = assertInstanceOf(ProvisioningFailed.class, service.handle(command));
        assertEquals("provision", failed.operation());
        assertEquals("blue", failed.slot());
        assertEquals(command.meta().messageId(), failed.meta().causationId());
        assertEquals(FailureCause.CONFIGURATION, failed.cause(), "what the orchestrator classifies by");
        // the one wording check here: the operator is told which variable and secret
        assertTrue(failed.reason().startsWith("configuration error: variable DB_PASSWORD: secret 'db-password' "
                + "not found in local (no CUTOVER_SECRET_DB_PASSWORD nor key 'db-password' of "), failed.reason());
        // not even the router was started
        assertFalse(Files.exists(workDir.resolve("logs")), "a process was started");
        // the registry keeps only the answer (a redelivery answers it again): no router, no slot
        assertTrue(registry.state(SHOP).slots().isEmpty(), "the registry recorded a slot");
        assertEquals(null, registry.state(SHOP).routerPort(), "the registry recorded a router");
        assertTrue(registry.state(SHOP).answerTo(command.meta().messageId()).isPresent());
        assertFalse(LocalProcesses.accepts(routerPort), "a router listens");
    }

    @Test
    void aMissingSecretInANewVersionKeepsTheRunningVersion() throws Exception {
        SlotProvisioned v1 = assertInstanceOf(SlotProvisioned.class, service.handle(provision("d1", "blue", "v1",
                "file:" + TestProcesses.sampleAppJar(), Map.of())));

        ProvisionerEvent event = service.handle(provision("d2", "blue", "v2", "file:" + TestProcesses.sampleAppJar(),
                Map.of("API_KEY", "secret://api-key/v2")));
        ProvisioningFailed failed = assertInstanceOf(ProvisioningFailed.class, event);
        assertEquals(List.of("provision", "blue"), List.of(failed.operation(), failed.slot()));
        assertEquals(FailureCause.CONFIGURATION, failed.cause());
        // the one wording check here: the variable and secret version
        assertTrue(failed.reason().startsWith("configuration error: variable API_KEY: secret 'api-key' version 'v2' not found in local"),
                failed.reason());
        assertEquals("version=v1 slot=blue", TestProcesses.get(v1.instanceUrl() + "/").body().strip());
        assertEquals(v1.instanceId(), registry.instance(SHOP, "blue").orElseThrow().instanceId());
    }

    @Test
    void anInstanceThatPrintsItsSecretAndDiesHasTheValueMaskedInTheReason() throws Exception {
        Path script = TestProcesses.script(workDir.resolve("bin/leaky.sh"),
                "#!/bin/sh\necho \"cannot log in with password $SECRET_PROBE\"\nexit 4\n");
        ProvisioningFailed failed = assertInstanceOf(ProvisioningFailed.class, service.handle(provision("d1", "blue", "v1",
                "file:" + script, Map.of("SECRET_PROBE", "secret://probe-token"))));

        assertEquals(List.of("provision", "blue"), List.of(failed.operation(), failed.slot()));
        assertEquals(FailureCause.INFRASTRUCTURE, failed.cause(), "an instance that dies is not a configuration error");
        // the one wording check here: the app's output, masked; and (not wording) the value is nowhere in it
        assertTrue(failed.reason().contains("cannot log in with password *****"), failed.reason());
        assertFalse(failed.reason().contains(secret), failed.reason());
        assertTrue(Files.readString(workDir.resolve("logs/shop-secrets-blue-v1.log")).contains(secret),
                "the app's own log is the app's business: the test proves the app did print it");
    }
}
