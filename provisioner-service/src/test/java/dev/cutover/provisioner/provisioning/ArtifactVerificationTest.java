package dev.cutover.provisioner.provisioning;

import com.sun.net.httpserver.HttpServer;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
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

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ProvisionSlot's sha256 is checked before anything starts, on real processes: a mismatch is a configuration
 * failure naming sha256 with no router and no instance started; a match runs the verified copy; an http(s) artifact
 * is downloaded into the cache (redirects not followed).
 */
class ArtifactVerificationTest {

    private static final Target SHOP = new Target("shop", "test");

    @TempDir
    Path workDir;

    private int routerPort;
    private SlotRegistry registry;
    private ProvisioningService service;
    private HttpServer server;
    private String jarSha;

    @BeforeEach
    void setUp() throws Exception {
        routerPort = TestProcesses.freeRouterPort();
        ProvisionerConfig.Local settings = TestProcesses.settings(workDir);
        registry = new SlotRegistry(workDir.resolve("state"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        service = new ProvisioningService(new LocalTargetProvider(settings), new LocalTrafficRouter(settings),
                registry, new ProvisionerMetrics(meters, registry),
                new SecretResolver(new LocalSecretStore(Map.of(), Optional.empty()), meters),
                new ArtifactStore(workDir.resolve("artifacts")));
        service.load();
        jarSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(TestProcesses.sampleAppJar())));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/releases/sample-app.jar", exchange -> {
            exchange.sendResponseHeaders(200, Files.size(TestProcesses.sampleAppJar()));
            try (OutputStream out = exchange.getResponseBody(); InputStream in =
                    Files.newInputStream(TestProcesses.sampleAppJar())) {
                in.transferTo(out);
            }
        });
        server.createContext("/moved/sample-app.jar", exchange -> {
            exchange.getResponseHeaders().add("Location", base() + "/releases/sample-app.jar");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
        TestProcesses.killAll(workDir);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private ProvisionerEvent provision(String version, String artifact, String sha256) {
        return service.handle(new ProvisionSlot(Meta.start("d-" + version), SHOP, "blue", version, artifact, Map.of(),
                routerPort, null, null, 1, sha256));
    }

    private void assertNothingStarted(ProvisionerEvent event) {
        ProvisioningFailed failed = assertInstanceOf(ProvisioningFailed.class, event, event::toString);
        assertEquals(FailureCause.CONFIGURATION, failed.cause());
        assertEquals("provision", failed.operation());
        assertTrue(failed.reason().contains("sha256"), failed.reason());
        assertTrue(registry.state(SHOP).slots().isEmpty(), () -> registry.state(SHOP).toString());
        assertNull(registry.state(SHOP).routerPid(), "a router was started");
    }

    @Test
    void aMismatchStartsNothing() {
        assertNothingStarted(provision("1.0.0", "file:" + TestProcesses.sampleAppJar(), "0".repeat(64)));
    }

    @Test
    void aMatchRunsTheVerifiedCopy() throws Exception {
        SlotProvisioned p = assertInstanceOf(SlotProvisioned.class,
                provision("1.0.0", TestProcesses.sampleAppJar().toUri().toString(), jarSha.toUpperCase()));
        assertEquals("version=1.0.0 slot=blue", TestProcesses.get(p.instanceUrl() + "/").body().strip());
        long pid = Long.parseLong(p.instanceId().substring("local:".length()));
        String commandLine = ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
        assertTrue(commandLine.contains(workDir.resolve("artifacts").resolve(jarSha).toString()), commandLine);
    }

    @Test
    void anHttpArtifactIsDownloadedVerifiedAndRun() throws Exception {
        assertNothingStarted(provision("1.0.0", base() + "/releases/sample-app.jar", "f".repeat(64)));
        SlotProvisioned p = assertInstanceOf(SlotProvisioned.class,
                provision("1.0.1", base() + "/releases/sample-app.jar", jarSha));
        assertEquals("version=1.0.1 slot=blue", TestProcesses.get(p.instanceUrl() + "/").body().strip());
    }

    @Test
    void aRedirectIsNotFollowed() {
        ProvisioningFailed failed = assertInstanceOf(ProvisioningFailed.class,
                provision("1.0.0", base() + "/moved/sample-app.jar", jarSha));
        assertEquals(FailureCause.CONFIGURATION, failed.cause());
        assertTrue(registry.state(SHOP).slots().isEmpty());
    }
}
