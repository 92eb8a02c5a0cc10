package dev.cutover.provisioner.provisioning;

import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.Target;
import dev.cutover.provisioner.TestProcesses;
import dev.cutover.provisioner.config.ProvisionerConfig;
import dev.cutover.provisioner.secret.SecretResolver;
import dev.cutover.provisioner.slot.LocalTargetProvider;
import dev.cutover.provisioner.slot.SlotRegistry;
import dev.cutover.provisioner.traffic.LocalTrafficRouter;
import dev.cutover.secrets.LocalSecretStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generic local target (issue 10): a non-JVM app as a .tar.gz started with app.command, and an executable file,
 * each through the real provider (digest verified) and served through the real router.
 */
class GenericTargetProvisioningTest {

    private static final Target SHOP = new Target("shop", "development");

    @TempDir
    Path workDir;

    private ProvisioningService service;

    @BeforeEach
    void setUp() {
        ProvisionerConfig.Local settings = TestProcesses.settings(workDir);
        SlotRegistry registry = new SlotRegistry(workDir.resolve("state"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        service = new ProvisioningService(new LocalTargetProvider(settings), new LocalTrafficRouter(settings), registry,
                new ProvisionerMetrics(meters, registry),
                new SecretResolver(new LocalSecretStore(Map.of(), Optional.empty()), meters),
                new ArtifactStore(workDir.resolve("artifacts")));
        service.load();
    }

    @AfterEach
    void killEverything() {
        TestProcesses.killAll(workDir);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private ProvisionerEvent provision(String slot, String version, Path artifact, String command, int instances)
            throws Exception {
        return service.handle(new ProvisionSlot(Meta.start("d-" + version), SHOP, slot, version,
                "file:" + artifact, Map.of(), ProvisionSlot.ROUTER_PORT_FROM_POOL, null, null, instances,
                sha256(artifact), command));
    }

    private Set<String> throughRouter(String routerUrl, int requests) throws Exception {
        Set<String> bodies = new TreeSet<>();
        for (int i = 0; i < requests; i++) {
            var r = TestProcesses.get(routerUrl + "/");
            bodies.add(r.statusCode() + " " + r.body().strip());
        }
        return bodies;
    }

    @Test
    void aPythonTarGzStartsWithItsCommandAndServesThroughTheRouter() throws Exception {
        ProvisionerEvent event = provision("blue", "1.0.0", TestProcesses.pythonAppArchive(),
                TestProcesses.python3() + " app.py --port {port}", 2);
        SlotProvisioned blue = assertInstanceOf(SlotProvisioned.class, event, event::toString);
        assertEquals(200, TestProcesses.get(blue.instanceUrl() + "/health").statusCode());
        assertEquals(200, TestProcesses.get(blue.instanceUrl() + "/ready").statusCode());
        // unpacked into the slot's own folder
        assertTrue(Files.isRegularFile(workDir.resolve("instances/shop-development-blue/app.py")));
        assertInstanceOf(TrafficShifted.class, service.handle(new ShiftTraffic(Meta.start("d-1.0.0"), SHOP,
                Map.of("blue", 100), "switch")));
        assertEquals(Set.of("200 version=1.0.0 slot=blue"), throughRouter(blue.routerUrl(), 6));
    }

    @Test
    void anExecutableFileRunsAsItIsAndAnExecutableWithACommandGetsItsPort() throws Exception {
        Path app = TestProcesses.pythonApp();
        Path script = TestProcesses.script(workDir.resolve("releases/shop-1.0.0"), """
                #!/bin/sh
                exec '%s' '%s'
                """.formatted(TestProcesses.python3(), app)); // the port from $PORT
        SlotProvisioned blue = assertInstanceOf(SlotProvisioned.class, provision("blue", "1.0.0", script, null, 1));
        assertEquals(200, TestProcesses.get(blue.instanceUrl() + "/health").statusCode());

        Path withArgs = TestProcesses.script(workDir.resolve("releases/shop-2.0.0"), """
                #!/bin/sh
                [ "$1" = "--port" ] || exit 3
                exec '%s' '%s' --port "$2"
                """.formatted(TestProcesses.python3(), app));
        SlotProvisioned green = assertInstanceOf(SlotProvisioned.class,
                provision("green", "2.0.0", withArgs, "{artifact} --port {port}", 1));
        assertInstanceOf(TrafficShifted.class, service.handle(new ShiftTraffic(Meta.start("d-2.0.0"), SHOP,
                Map.of("blue", 50, "green", 50), "canary")));
        assertEquals(Set.of("200 version=1.0.0 slot=blue", "200 version=2.0.0 slot=green"),
                throughRouter(green.routerUrl(), 8));
    }

    @Test
    void anArchiveWithoutACommandOrAWrongDigestFailsAsConfigurationWithNothingStarted() throws Exception {
        ProvisioningFailed noCommand = assertInstanceOf(ProvisioningFailed.class,
                provision("blue", "1.0.0", TestProcesses.pythonAppArchive(), null, 1));
        assertEquals(FailureCause.CONFIGURATION, noCommand.cause());
        assertTrue(noCommand.reason().contains("app.command"), noCommand.reason());

        Path archive = TestProcesses.pythonAppArchive();
        ProvisionerEvent wrongDigest = service.handle(new ProvisionSlot(Meta.start("d-x"), SHOP, "blue", "1.0.0",
                "file:" + archive, Map.of(), ProvisionSlot.ROUTER_PORT_FROM_POOL, null, null, 1, "0".repeat(64),
                "python3 app.py --port {port}"));
        assertEquals(FailureCause.CONFIGURATION, assertInstanceOf(ProvisioningFailed.class, wrongDigest).cause());
        assertFalse(Files.exists(workDir.resolve("instances/shop-development-blue/app.py")));
    }
}
