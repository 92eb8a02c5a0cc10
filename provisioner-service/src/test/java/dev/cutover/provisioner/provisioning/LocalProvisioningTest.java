package dev.cutover.provisioner.provisioning;

import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.Target;
import dev.cutover.events.router.RouterAdminApi;
import dev.cutover.provisioner.TestProcesses;
import dev.cutover.provisioner.config.ProvisionerConfig;
import dev.cutover.secrets.LocalSecretStore;
import dev.cutover.provisioner.secret.SecretResolver;
import dev.cutover.provisioner.slot.LocalTargetProvider;
import dev.cutover.provisioner.slot.SlotInstance;
import dev.cutover.provisioner.slot.SlotRegistry;
import dev.cutover.provisioner.traffic.LocalTrafficRouter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local provider and router with real processes: the sample app behind the router jar. */
class LocalProvisioningTest {

    private static final Target SHOP = new Target("shop", "test");

    @TempDir
    Path workDir;

    private int routerPort;
    private SlotRegistry registry;
    private ProvisioningService service;
    private SimpleMeterRegistry meters;

    @BeforeEach
    void setUp() throws Exception {
        routerPort = TestProcesses.freeRouterPort();
        service = newService();
    }

    /** A provisioner as it would be after a (re)start on this work dir. */
    private ProvisioningService newService() {
        ProvisionerConfig.Local settings = TestProcesses.settings(workDir);
        registry = new SlotRegistry(workDir.resolve("state"));
        meters = new SimpleMeterRegistry();
        ProvisioningService s = new ProvisioningService(new LocalTargetProvider(settings), new LocalTrafficRouter(settings),
                registry, new ProvisionerMetrics(meters, registry),
                new SecretResolver(new LocalSecretStore(Map.of(), Optional.empty()), meters));
        s.load();
        return s;
    }

    @AfterEach
    void killEverything() {
        TestProcesses.killAll(workDir);
    }

    private ProvisionSlot provision(String deploymentId, String slot, String version, String artifact, Map<String, String> env) {
        return new ProvisionSlot(Meta.start(deploymentId), SHOP, slot, version, artifact, env, routerPort);
    }

    private SlotProvisioned provisioned(String deploymentId, String slot, String version) {
        ProvisionSlot command = provision(deploymentId, slot, version, "file:" + TestProcesses.sampleAppJar(), Map.of());
        long t0 = System.nanoTime();
        ProvisionerEvent event = service.handle(command);
        System.out.printf("provision %s %s took %d ms%n", slot, version, (System.nanoTime() - t0) / 1_000_000);
        SlotProvisioned p = assertInstanceOf(SlotProvisioned.class, event, event::toString);
        assertEquals(command.meta().messageId(), p.meta().causationId());
        return p;
    }

    private TrafficShifted shift(Map<String, Integer> weights) {
        ShiftTraffic command = new ShiftTraffic(Meta.start("d"), SHOP, weights, "switch");
        return assertInstanceOf(TrafficShifted.class, service.handle(command), () -> "shift " + weights);
    }

    private Set<String> bodiesThroughRouter(int requests) throws Exception {
        Set<String> bodies = new TreeSet<>();
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> r = TestProcesses.get("http://127.0.0.1:" + routerPort + "/");
            bodies.add(r.statusCode() + " " + r.body().strip());
        }
        return bodies;
    }

    private static long pid(SlotProvisioned p) {
        return Long.parseLong(p.instanceId().substring("local:".length()));
    }

    @Test
    void provisionedInstanceAnswersItsVersionAndIsOnRecord() throws Exception {
        SlotProvisioned p = provisioned("d1", "blue", "v1");

        assertTrue(p.instanceUrl().startsWith("http://127.0.0.1:"), p.instanceUrl());
        assertEquals("version=v1 slot=blue", TestProcesses.get(p.instanceUrl() + "/").body().strip());
        assertTrue(Files.readString(registry.file(SHOP)).contains(p.instanceId().substring(6)));
        assertTrue(Files.isRegularFile(workDir.resolve("logs/shop-test-blue-v1.log")));
        assertTrue(Files.isRegularFile(workDir.resolve("logs/router-shop-test.log")));
        // the event says where the router's admin API is: it answers there, for this target, with this slot's meters
        HttpResponse<String> health = TestProcesses.get(p.routerAdminUrl() + RouterAdminApi.HEALTH_PATH);
        assertEquals(200, health.statusCode());
        assertEquals("shop/test", RouterAdminApi.mapper().readValue(health.body(), RouterAdminApi.Health.class).target());
        String metrics = TestProcesses.get(p.routerAdminUrl() + RouterAdminApi.METRICS_PATH).body();
        assertTrue(metrics.contains(RouterAdminApi.INFLIGHT + "{backend=\"blue\"}"), metrics);
        assertEquals(1.0, meters.get("cutover.provisioner.instances.running").gauge().value());
        assertEquals(1, meters.get("cutover.provisioner.instance.start").timer().count());
        // on the router at weight 0: no traffic yet
        assertEquals(Set.of("503 no active backend for shop/test: no backend has weight > 0"), bodiesThroughRouter(2));
    }

    @Test
    void trafficMovesBackAndForthThroughTheRouter() throws Exception {
        SlotProvisioned blue = provisioned("d1", "blue", "v1");
        TrafficShifted first = shift(Map.of("blue", 100));
        assertEquals("http://127.0.0.1:" + routerPort, first.routerUrl());
        assertEquals(blue.routerAdminUrl(), first.routerAdminUrl(), "both events report the same router admin API");
        assertEquals("switch", first.reason());
        assertEquals(Set.of("200 version=v1 slot=blue"), bodiesThroughRouter(10));

        provisioned("d2", "green", "v2");
        assertEquals(Set.of("200 version=v1 slot=blue"), bodiesThroughRouter(10)); // new slot gets nothing yet
        assertEquals(Map.of("green", 100, "blue", 0), shift(Map.of("green", 100, "blue", 0)).weights());
        assertEquals(Set.of("200 version=v2 slot=green"), bodiesThroughRouter(20));
        shift(Map.of("blue", 100, "green", 0));
        assertEquals(Set.of("200 version=v1 slot=blue"), bodiesThroughRouter(20));
        assertEquals(Map.of("green", 100, "blue", 0), shift(Map.of("green", 100)).weights());
        assertEquals(Set.of("200 version=v2 slot=green"), bodiesThroughRouter(20));
    }

    @Test
    void releaseStopsTheProcessAndTakesItOutOfTheRouter() throws Exception {
        long bluePid = pid(provisioned("d1", "blue", "v1"));
        provisioned("d2", "green", "v2");
        TrafficShifted shifted = shift(Map.of("green", 100, "blue", 0));

        ReleaseSlot release = new ReleaseSlot(Meta.start("d2"), SHOP, "blue", "cleanup");
        long t0 = System.nanoTime();
        SlotReleased released = assertInstanceOf(SlotReleased.class, service.handle(release));
        System.out.printf("release blue took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals("cleanup", released.reason());
        assertEquals(release.meta().messageId(), released.meta().causationId());
        assertTrue(TestProcesses.gone(bluePid), "blue process still running");
        String table = TestProcesses.get(shifted.routerAdminUrl() + RouterAdminApi.BACKENDS_PATH).body();
        assertFalse(table.contains("\"blue\""), table);
        assertEquals(Set.of("200 version=v2 slot=green"), bodiesThroughRouter(10));
        assertEquals(Set.of("green"), registry.state(SHOP).slots().keySet());

        // releasing again, or a slot that never ran, is a no-op that still answers
        assertInstanceOf(SlotReleased.class, service.handle(release));
        assertInstanceOf(SlotReleased.class, service.handle(new ReleaseSlot(Meta.start("d3"), SHOP, "red", "cleanup")));
        // and blue cannot get traffic any more
        ProvisioningFailed failed = assertInstanceOf(ProvisioningFailed.class,
                service.handle(new ShiftTraffic(Meta.start("d4"), SHOP, Map.of("blue", 100), "rollback")));
        assertEquals("shift", failed.operation());
        // ProvisioningFailed says what failed by operation and slot; the one wording check here says why
        assertTrue(failed.reason().contains("slot blue should get weight 100 but runs no instance"), failed.reason());
    }

    @Test
    void anArtifactThatExitsAtOnceFailsWithItsOutput() throws Exception {
        Path script = workDir.resolve("broken.sh");
        Files.writeString(script, "#!/bin/sh\necho \"cannot read config: DB_URL missing\"\nexit 3\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        ProvisionSlot command = provision("d1", "blue", "v9", "file:" + script, Map.of());
        ProvisioningFailed failed = assertInstanceOf(ProvisioningFailed.class, service.handle(command));
        assertEquals("provision", failed.operation());
        assertEquals("blue", failed.slot());
        assertEquals(command.meta().messageId(), failed.meta().causationId());
        // the one wording check here: the operator reads the artifact's own output
        assertTrue(failed.reason().contains("cannot read config: DB_URL missing"), failed.reason());
        assertEquals(Map.of(), registry.state(SHOP).slots());

        ProvisioningFailed missing = assertInstanceOf(ProvisioningFailed.class,
                service.handle(provision("d1", "blue", "v9", "/nowhere/app.jar", Map.of())));
        assertEquals(List.of("provision", "blue"), List.of(missing.operation(), missing.slot()));
        assertEquals(Map.of(), registry.state(SHOP).slots());
    }

    @Test
    void theSampleAppFailingOnBadSettingsIsReportedToo() {
        ProvisionSlot command = provision("d1", "blue", "v1", TestProcesses.sampleAppJar().toString(),
                Map.of("SAMPLE_ERROR_RATE", "7"));
        ProvisioningFailed failed = assertInstanceOf(ProvisioningFailed.class, service.handle(command));
        assertEquals(List.of("provision", "blue"), List.of(failed.operation(), failed.slot()));
        // the one wording check here: the operator reads the sample app's own complaint
        assertTrue(failed.reason().contains("SAMPLE_ERROR_RATE must be between 0.0 and 1.0"), failed.reason());
    }

    @Test
    void reprovisioningIsIdempotentAndANewVersionReplacesTheOld() throws Exception {
        SlotProvisioned first = provisioned("d1", "blue", "v1");
        SlotProvisioned again = provisioned("d1", "blue", "v1");
        assertEquals(first.instanceId(), again.instanceId());
        assertEquals(first.instanceUrl(), again.instanceUrl());

        SlotProvisioned replaced = provisioned("d2", "blue", "v2");
        assertNotEquals(first.instanceId(), replaced.instanceId());
        assertTrue(TestProcesses.gone(pid(first)), "v1 still running");
        assertEquals("version=v2 slot=blue", TestProcesses.get(replaced.instanceUrl() + "/").body().strip());
    }

    @Test
    void theEnvironmentOfTheCommandReachesTheInstance() throws Exception {
        ProvisionSlot command = provision("d1", "blue", "v1", TestProcesses.sampleAppJar().toString(),
                Map.of("SAMPLE_FAIL_HEALTH", "true"));
        SlotProvisioned p = assertInstanceOf(SlotProvisioned.class, service.handle(command));
        assertEquals(503, TestProcesses.get(p.instanceUrl() + "/health").statusCode());
    }

    @Test
    void aRestartedProvisionerStillKnowsWhatRunsAndCanReleaseIt() throws Exception {
        SlotProvisioned before = provisioned("d1", "blue", "v1");
        long bluePid = pid(before);
        shift(Map.of("blue", 100));

        service = newService(); // same work dir, fresh registry read from disk
        assertEquals(Set.of("blue"), registry.state(SHOP).slots().keySet());
        assertEquals(Set.of("200 version=v1 slot=blue"), bodiesThroughRouter(5)); // data plane kept serving
        SlotProvisioned after = assertInstanceOf(SlotProvisioned.class, service.handle(provision("d1", "blue", "v1",
                "file:" + TestProcesses.sampleAppJar(), Map.of())));
        assertEquals(before.routerAdminUrl(), after.routerAdminUrl(), "the router it kept is reported again");
        assertInstanceOf(SlotReleased.class, service.handle(new ReleaseSlot(Meta.start("d1"), SHOP, "blue", "cleanup")));
        await().atMost(Duration.ofSeconds(5)).until(() -> TestProcesses.gone(bluePid));
    }

    // --- a slot of several instances ------------------------------------------------------------------------

    private SlotProvisioned provisionedInstances(String deploymentId, String slot, String version, int instances) {
        ProvisionSlot command = new ProvisionSlot(Meta.start(deploymentId), SHOP, slot, version,
                "file:" + TestProcesses.sampleAppJar(), Map.of(), routerPort, null, null, instances);
        long t0 = System.nanoTime();
        ProvisionerEvent event = service.handle(command);
        System.out.printf("provision %s %s x%d took %d ms%n", slot, version, instances, (System.nanoTime() - t0) / 1_000_000);
        return assertInstanceOf(SlotProvisioned.class, event, event::toString);
    }

    private List<SlotInstance.Member> members(String slot) {
        return registry.state(SHOP).slots().get(slot).members();
    }

    /** {@code requests_total{path="/"}} of the sample app at {@code url}: the requests its root got. */
    private static long rootRequests(String url) throws Exception {
        String metrics = TestProcesses.get(url + "/metrics").body();
        return metrics.lines().filter(l -> l.startsWith("requests_total{path=\"/\"}"))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void aSlotOfThreeInstancesRunsThreeProcessesThatShareItsTraffic() throws Exception {
        SlotProvisioned p = provisionedInstances("d1", "blue", "v1", 3);
        List<SlotInstance.Member> members = members("blue");
        assertEquals(3, members.size());
        assertEquals(3, members.stream().map(SlotInstance.Member::pid).distinct().count(), "three processes");
        assertEquals(3, members.stream().map(SlotInstance.Member::port).distinct().count(), "on three ports");
        assertEquals(members.get(0).url(), p.instanceUrl());
        assertEquals("local:" + members.stream().map(m -> m.pid().toString()).collect(Collectors.joining(",")),
                p.instanceId());
        for (int i = 1; i <= 3; i++) {
            assertTrue(Files.isRegularFile(workDir.resolve("logs/shop-test-blue-v1-" + i + ".log")));
        }
        // the slot is one router backend with the three as its members
        RouterAdminApi.BackendTable table = RouterAdminApi.mapper().readValue(
                TestProcesses.get(p.routerAdminUrl() + RouterAdminApi.BACKENDS_PATH).body(), RouterAdminApi.BackendTable.class);
        assertEquals(List.of("blue"), table.backends().stream().map(RouterAdminApi.RoutedBackend::id).toList());
        assertEquals(members.stream().map(SlotInstance.Member::url).toList(), table.backends().get(0).asBackend().members());
        assertEquals(3.0, meters.get("cutover.provisioner.instances.running").gauge().value());

        shift(Map.of("blue", 100));
        assertEquals(Set.of("200 version=v1 slot=blue"), bodiesThroughRouter(60));
        for (SlotInstance.Member member : members) {
            assertEquals(20, rootRequests(member.url()), "each instance gets its share: " + member);
        }
        String metrics = TestProcesses.get(p.routerAdminUrl() + RouterAdminApi.METRICS_PATH).body();
        assertTrue(metrics.contains(RouterAdminApi.INFLIGHT + "{backend=\"blue\"}"), metrics);
        assertEquals(1, metrics.lines().filter(l -> l.startsWith(RouterAdminApi.INFLIGHT + "{")).count(),
                "one backend, one key: " + metrics);

        assertInstanceOf(SlotReleased.class, service.handle(new ReleaseSlot(Meta.start("d1"), SHOP, "blue", "cleanup")));
        for (SlotInstance.Member member : members) {
            assertTrue(TestProcesses.gone(member.pid()), "instance still running: " + member);
        }
        assertEquals(Map.of(), registry.state(SHOP).slots());
        assertEquals(Set.of("503 no active backend for shop/test: no backend has weight > 0"), bodiesThroughRouter(1));
    }

    @Test
    void aRestartedProvisionerStillKnowsEveryInstanceOfASlot() throws Exception {
        SlotProvisioned before = provisionedInstances("d1", "green", "v2", 3);
        List<SlotInstance.Member> members = members("green");
        shift(Map.of("green", 100));

        service = newService(); // same work dir, fresh registry read from disk
        assertEquals(members, members("green"));
        assertEquals(Set.of("200 version=v2 slot=green"), bodiesThroughRouter(9));
        // provisioned again by the same deployment: the same three, checked ready, nothing started
        SlotProvisioned again = provisionedInstances("d1", "green", "v2", 3);
        assertEquals(before.instanceId(), again.instanceId());
        assertEquals(members, members("green"));
        for (SlotInstance.Member member : members) {
            assertEquals(3, rootRequests(member.url()));
        }

        assertInstanceOf(SlotReleased.class, service.handle(new ReleaseSlot(Meta.start("d1"), SHOP, "green", "cleanup")));
        for (SlotInstance.Member member : members) {
            assertTrue(TestProcesses.gone(member.pid()), "instance still running: " + member);
        }
    }

    @Test
    void aSlotThatLostAnInstanceStillServesAndIsReleasedWhole() throws Exception {
        provisionedInstances("d1", "blue", "v1", 3);
        List<SlotInstance.Member> members = members("blue");
        shift(Map.of("blue", 100));
        ProcessHandle.of(members.get(1).pid()).ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(5)).until(() -> TestProcesses.gone(members.get(1).pid()));

        // degraded, not gone: the router passes over the dead one, the slot stays on record
        assertEquals(Set.of("200 version=v1 slot=blue"), bodiesThroughRouter(20));
        shift(Map.of("blue", 100)); // a shift still finds it running
        assertEquals(members, members("blue"));
        // but it no longer runs what was asked: provisioning it again says so
        ProvisioningFailed failed = assertInstanceOf(ProvisioningFailed.class, service.handle(new ProvisionSlot(
                Meta.start("d1"), SHOP, "blue", "v1", "file:" + TestProcesses.sampleAppJar(), Map.of(), routerPort,
                null, null, 3)));
        assertEquals(List.of("provision", "blue"), List.of(failed.operation(), failed.slot()));

        assertInstanceOf(SlotReleased.class, service.handle(new ReleaseSlot(Meta.start("d1"), SHOP, "blue", "cleanup")));
        for (SlotInstance.Member member : members) {
            assertTrue(TestProcesses.gone(member.pid()), "instance still running: " + member);
        }
    }

    @Test
    void anInstanceThatFailsToStartFailsTheSlotAndLeavesNoProcess() throws Exception {
        Path pids = Files.createDirectories(workDir.resolve("pids"));
        Path script = TestProcesses.script(workDir.resolve("member.sh"), """
                #!/bin/sh
                echo $$ > "$PID_DIR/$CUTOVER_INSTANCE.pid"
                if [ "$CUTOVER_INSTANCE" = "2" ]; then echo "instance 2 of $CUTOVER_INSTANCES: cannot open its cache"; exit 3; fi
                exec "$JAVA" -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$JAR"
                """);
        ProvisionSlot command = new ProvisionSlot(Meta.start("d1"), SHOP, "blue", "v1", "file:" + script,
                Map.of("PID_DIR", pids.toString(), "JAR", TestProcesses.sampleAppJar().toString(),
                        "JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                routerPort, null, null, 3);
        ProvisioningFailed failed = assertInstanceOf(ProvisioningFailed.class, service.handle(command));
        assertEquals(List.of("provision", "blue"), List.of(failed.operation(), failed.slot()));
        // the one wording check here: the operator reads the failing instance's own output
        assertTrue(failed.reason().contains("instance 2 of 3: cannot open its cache"), failed.reason());
        assertEquals(Map.of(), registry.state(SHOP).slots());
        for (int i = 1; i <= 3; i++) {
            long pid = Long.parseLong(Files.readString(pids.resolve(i + ".pid")).strip());
            await().atMost(Duration.ofSeconds(5)).until(() -> TestProcesses.gone(pid));
        }
    }
}
