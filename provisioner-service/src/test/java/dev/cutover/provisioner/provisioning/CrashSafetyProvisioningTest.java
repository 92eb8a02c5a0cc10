package dev.cutover.provisioner.provisioning;

import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.Target;
import dev.cutover.provisioner.TestProcesses;
import dev.cutover.provisioner.config.ProvisionerConfig;
import dev.cutover.provisioner.secret.SecretResolver;
import dev.cutover.provisioner.slot.LocalProcesses;
import dev.cutover.provisioner.slot.LocalTargetProvider;
import dev.cutover.provisioner.slot.PortPool;
import dev.cutover.provisioner.slot.SlotInstance;
import dev.cutover.provisioner.slot.SlotRegistry;
import dev.cutover.provisioner.traffic.LocalTrafficRouter;
import dev.cutover.secrets.LocalSecretStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash safety and idempotence of the provisioner (issue 10), with real processes: a duplicate ProvisionSlot,
 * ShiftTraffic or ReleaseSlot has no second side effect; a provisioner that died right after spawning an instance
 * (before it was ready) leaves no orphan: the redelivered ProvisionSlot adopts it or stops it and starts again; a
 * replica sharing the state dir takes a target over and stops what the other started.
 */
class CrashSafetyProvisioningTest {

    private static final Target SHOP = new Target("shop", "development");

    @TempDir
    Path workDir;

    @AfterEach
    void killEverything() {
        TestProcesses.killAll(workDir);
    }

    /** A provisioner (or a replica) as it is after a (re)start on this work dir. */
    private ProvisioningService newService() {
        ProvisionerConfig.Local settings = TestProcesses.settings(workDir);
        SlotRegistry registry = new SlotRegistry(workDir.resolve("state"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ProvisioningService s = new ProvisioningService(new LocalTargetProvider(settings),
                new LocalTrafficRouter(settings), registry, new ProvisionerMetrics(meters, registry),
                new SecretResolver(new LocalSecretStore(Map.of(), Optional.empty()), meters));
        s.load();
        return s;
    }

    private static ProvisionSlot provision(String deployment, String slot, String version, int instances) {
        return new ProvisionSlot(Meta.start(deployment), SHOP, slot, version, "file:" + TestProcesses.sampleAppJar(),
                Map.of(), ProvisionSlot.ROUTER_PORT_FROM_POOL, null, null, instances);
    }

    /** Sample-app processes this JVM started (instances; routers run router.jar). */
    private static List<Long> instances() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains("sample-app.jar")).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    private static Set<String> throughRouter(String routerUrl, int requests) throws Exception {
        Set<String> bodies = new TreeSet<>();
        for (int i = 0; i < requests; i++) {
            var r = TestProcesses.get(routerUrl + "/");
            bodies.add(r.statusCode() + " " + r.body().strip());
        }
        return bodies;
    }

    private static long pid(SlotProvisioned p) {
        return Long.parseLong(p.instanceId().substring("local:".length()).split(",")[0]);
    }

    @Test
    void aDuplicateProvisionSlotStartsNoSecondInstance() {
        ProvisioningService service = newService();
        ProvisionSlot command = provision("d1", "blue", "1.0.0", 1);
        SlotProvisioned first = assertInstanceOf(SlotProvisioned.class, service.handle(command));

        // the same message again (a redelivery, or the orchestrator asking again): the same answer, nothing started
        assertEquals(first, service.handle(command));
        // after a restart too (the answer is in the target's file)
        assertEquals(first, newService().handle(command));
        // the same content under another messageId: the slot already runs it
        SlotProvisioned again = assertInstanceOf(SlotProvisioned.class,
                newService().handle(provision("d1", "blue", "1.0.0", 1)));
        assertEquals(first.instanceId(), again.instanceId());
        assertEquals(List.of(pid(first)), instances());
    }

    @Test
    void aDuplicateShiftTrafficLeavesTheWeightsOfTheLaterShift() throws Exception {
        ProvisioningService service = newService();
        SlotProvisioned blue = assertInstanceOf(SlotProvisioned.class, service.handle(provision("d1", "blue", "1.0.0", 1)));
        assertInstanceOf(SlotProvisioned.class, service.handle(provision("d2", "green", "2.0.0", 1)));
        ShiftTraffic toBlue = new ShiftTraffic(Meta.start("d1"), SHOP, Map.of("blue", 100), "switch");
        TrafficShifted first = assertInstanceOf(TrafficShifted.class, service.handle(toBlue));
        assertInstanceOf(TrafficShifted.class, service.handle(new ShiftTraffic(Meta.start("d2"), SHOP,
                Map.of("green", 100), "switch")));

        // the first shift delivered again: answered as before, the router keeps the later weights
        assertEquals(first, service.handle(toBlue));
        assertEquals(Set.of("200 version=2.0.0 slot=green"), throughRouter(blue.routerUrl(), 5));
        // the same weights again under another messageId: nothing moves
        assertInstanceOf(TrafficShifted.class, service.handle(new ShiftTraffic(Meta.start("d2"), SHOP,
                Map.of("green", 100), "switch")));
        assertEquals(Set.of("200 version=2.0.0 slot=green"), throughRouter(blue.routerUrl(), 5));
    }

    @Test
    void aDuplicateReleaseSlotIsAnsweredAgainAndStopsNothingNew() {
        ProvisioningService service = newService();
        assertInstanceOf(SlotProvisioned.class, service.handle(provision("d1", "blue", "1.0.0", 1)));
        ReleaseSlot release = new ReleaseSlot(Meta.start("d1"), SHOP, "blue", "cleanup");
        SlotReleased released = assertInstanceOf(SlotReleased.class, service.handle(release));
        SlotProvisioned next = assertInstanceOf(SlotProvisioned.class, service.handle(provision("d2", "blue", "2.0.0", 1)));

        assertEquals(released, service.handle(release));
        assertTrue(LocalProcesses.alive(pid(next), null), "the duplicate release stopped the new instance");
        assertEquals(List.of(pid(next)), instances());
        // the same content under another messageId is a release (of what runs now)
        assertInstanceOf(SlotReleased.class, service.handle(new ReleaseSlot(Meta.start("d2"), SHOP, "blue", "cleanup")));
        await().until(() -> TestProcesses.gone(pid(next)));
    }

    /**
     * What a provisioner SIGKILLed right after the spawn leaves: the instance on record (the pid is written as soon as
     * the process exists), running, never waited for.
     */
    private SlotInstance spawnedThenDied(ProvisionSlot command, int asked) throws Exception {
        int port = new PortPool(20000, 29999).next();
        LocalProcesses.Spawned spawned = LocalProcesses.spawn(LocalProcesses.javaCommand(Optional.empty(),
                        "-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1", TestProcesses.sampleAppJar()),
                Map.of("PORT", Integer.toString(port), "CUTOVER_VERSION", command.version(), "CUTOVER_SLOT",
                        command.slot()), workDir.resolve("logs/spawned-" + port + ".log"), true);
        SlotInstance instance = SlotInstance.of(command.slot(), command.version(), command.meta().deploymentId(),
                "local:" + spawned.pid(), List.of(new SlotInstance.Member("http://127.0.0.1:" + port, spawned.pid(),
                        port, LocalProcesses.startMs(spawned.pid()))), asked, System.currentTimeMillis());
        new SlotRegistry(workDir.resolve("state")).update(SHOP, s -> s.withInstance(instance));
        return instance;
    }

    @Test
    void aRedeliveredProvisionSlotAdoptsTheInstanceADeadProvisionerSpawned() throws Exception {
        ProvisionSlot command = provision("d1", "blue", "1.0.0", 1);
        SlotInstance orphan = spawnedThenDied(command, 1);

        SlotProvisioned p = assertInstanceOf(SlotProvisioned.class, newService().handle(command));
        assertEquals(orphan.instanceId(), p.instanceId());
        assertEquals(List.of(orphan.pid()), instances());
        assertInstanceOf(TrafficShifted.class, newService().handle(new ShiftTraffic(Meta.start("d1"), SHOP,
                Map.of("blue", 100), "switch")));
    }

    @Test
    void aSlotADeadProvisionerLeftHalfStartedIsStoppedBeforeItStartsAgain() throws Exception {
        ProvisionSlot command = provision("d1", "blue", "1.0.0", 2);
        SlotInstance half = spawnedThenDied(command, 2); // died between its first and second member

        SlotProvisioned p = assertInstanceOf(SlotProvisioned.class, newService().handle(command));
        assertFalse(p.instanceId().contains(Long.toString(half.pid())), p.instanceId());
        assertTrue(TestProcesses.gone(half.pid()), "the half-started slot's member still runs");
        assertEquals(2, instances().size(), () -> "instances " + instances());
    }

    @Test
    void aReplicaSharingTheStateDirTakesATargetOverAndStopsWhatTheOtherStarted() throws Exception {
        ProvisioningService replicaA = newService();
        ProvisioningService replicaB = newService(); // started before A did anything: it knows nothing yet
        SlotProvisioned blue = assertInstanceOf(SlotProvisioned.class, replicaA.handle(provision("d1", "blue", "1.0.0", 1)));

        // A dies; B gets the target's partition and its commands
        assertInstanceOf(TrafficShifted.class, replicaB.handle(new ShiftTraffic(Meta.start("d1"), SHOP,
                Map.of("blue", 100), "switch")));
        assertEquals(Set.of("200 version=1.0.0 slot=blue"), throughRouter(blue.routerUrl(), 3));
        assertInstanceOf(SlotReleased.class, replicaB.handle(new ReleaseSlot(Meta.start("d1"), SHOP, "blue", "done")));
        assertTrue(TestProcesses.gone(pid(blue)), "B did not stop what A started");
        ProvisionerEvent next = replicaB.handle(provision("d2", "green", "2.0.0", 1));
        assertEquals(blue.routerUrl(), assertInstanceOf(SlotProvisioned.class, next).routerUrl());
    }
}
