package dev.cutover.provisioner.azure.scaleset;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetInner;
import com.azure.resourcemanager.compute.models.ApiEntityReference;
import com.azure.resourcemanager.compute.models.Sku;
import com.azure.resourcemanager.compute.models.UpgradeMode;
import com.azure.resourcemanager.compute.models.UpgradePolicy;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetIpConfiguration;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetNetworkConfiguration;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetNetworkProfile;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetVMProfile;
import dev.cutover.azure.standin.ArmStandIn;
import dev.cutover.azure.standin.Call;
import dev.cutover.azure.standin.compute.ComputeStandIn;
import dev.cutover.azure.standin.compute.ComputeStandIn.Event;
import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.Target;
import dev.cutover.provisioner.TestProcesses;
import dev.cutover.provisioner.azure.AzureClients;
import dev.cutover.provisioner.config.ProviderSelection;
import dev.cutover.provisioner.slot.ProvisioningException;
import dev.cutover.provisioner.provisioning.ProvisionerMetrics;
import dev.cutover.provisioner.provisioning.ProvisioningService;
import dev.cutover.secrets.LocalSecretStore;
import dev.cutover.provisioner.secret.SecretResolver;
import dev.cutover.provisioner.slot.SlotRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rolling updates of a 3-instance scale set through ProvisioningService, with the real Azure SDK against the ARM
 * stand-in, whose instances are real sample-app processes behind a real load-balancer frontend. The commands come
 * in the order RollingStrategy sends them (ProvisionSlot, ShiftTraffic, ReleaseSlot per instance; its health checks
 * are the health monitor's and left out); real HTTP through the frontend runs all along the roll.
 */
class ScaleSetRollingTest {

    private static final String SUB = "00000000-0000-0000-0000-00000000c0de";
    private static final String GROUP = "rg-shop";
    private static final Target SHOP = new Target("shop", "prod");
    private static final int N = 3;
    private static final Placement PLACEMENT = new Placement(Placement.AZURE, Placement.SCALE_SET,
            new Placement.Infrastructure("Standard_D4s_v3", N, null, null, null), null, false,
            new Placement.Azure(SUB, GROUP, "westeurope", "shop-prod", "kv-shop"));
    private static final String SCALE_SET_ID = "/subscriptions/" + SUB + "/resourceGroups/" + GROUP
            + "/providers/Microsoft.Compute/virtualMachineScaleSets/shop-prod";
    private static final String LB_ID = "/subscriptions/" + SUB + "/resourceGroups/" + GROUP
            + "/providers/Microsoft.Network/loadBalancers/shop-prod-lb";

    @TempDir
    Path dir;

    private ArmStandIn arm;
    private ComputeStandIn compute;
    private AzureClients azure;
    private ScaleSetClients clients;
    private ProvisioningService service;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void setUp() {
        arm = ArmStandIn.start();
        compute = ComputeStandIn.install(arm, dir.resolve("instances"),
                List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        arm.put("/subscriptions/" + SUB + "/resourceGroups/" + GROUP,
                ArmStandIn.JSON.createObjectNode().put("location", "westeurope"));
        azure = new AzureClients(AzureClients.unauthenticated(new JdkHttpClientBuilder().build(),
                AzureClients.retryPolicy(3, Duration.ofMillis(50), Duration.ofSeconds(1))),
                AzureClients.environment(arm.url()), "tenant", SUB, Duration.ofSeconds(30), Duration.ofMillis(50));
        clients = ScaleSetClients.of(azure.compute(SUB), azure.network(SUB));
        service = newService();
    }

    /** A provisioner as it is after a (re)start: new provider objects, the registry from its directory. */
    private ProvisioningService newService() {
        SlotRegistry registry = new SlotRegistry(dir.resolve("state"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ProvisioningService s;
        try {
            s = new ProvisioningService(ProviderSelection.only(ScaleSetTargets.of(azure, PLACEMENT)), registry,
                    new ProvisionerMetrics(meters, registry),
                    new SecretResolver(new LocalSecretStore(Map.of(), Optional.empty()), meters));
        } catch (ProvisioningException e) {
            throw new AssertionError(e);
        }
        s.load();
        return s;
    }

    @AfterEach
    void tearDown() {
        arm.close(); // kills every instance process and the frontend
    }

    @Test
    void maxSurgeOneAddsAnInstanceBeforeEachOldOneIsDrainedAndDeleted() throws Exception {
        List<String> old = deployFirst();
        Roll roll = roll("b", "v2", old, 1, 0);

        assertEquals(0, roll.failures, "requests through the frontend that failed during the roll");
        assertTrue(roll.requests > 20, "requests through the frontend: " + roll.requests);
        assertTrue(roll.versionsSeen.containsAll(Set.of("v1", "v2")), "versions answered: " + roll.versionsSeen);
        assertEquals(N + 1, roll.events.stream().mapToInt(Event::instances).max().orElseThrow(),
                "never more than max-surge extra instances");
        assertEquals(N, roll.events.stream().mapToInt(Event::serving).min().orElseThrow(),
                "never fewer than N instances serving (max-unavailable 0)");
        assertOneAtATime(roll.events);
        assertLeftThePoolFirst(roll.events, "deleted");
        assertEquals(N, roll.calls.stream().filter(c -> c.method().equals("POST") && c.path().endsWith("/delete"))
                .count(), "one instance delete per old instance");
        assertTrue(roll.calls.stream().noneMatch(c -> c.path().endsWith("/manualupgrade")), "no in-place upgrade");
        assertAllRun("v2");
        assertMappingSurvivesRestart(List.of("b1", "b2", "b3"));
        record("max-surge 1 / max-unavailable 0", roll);
    }

    @Test
    void maxUnavailableOneUpgradesEachReleasedInstanceInPlace() throws Exception {
        List<String> old = deployFirst();
        Set<String> idsBefore = compute.versions(SCALE_SET_ID).keySet();
        Roll roll = roll("b", "v2", old, 0, 1);

        assertEquals(0, roll.failures, "requests through the frontend that failed during the roll");
        assertTrue(roll.requests > 20, "requests through the frontend: " + roll.requests);
        assertEquals(N, roll.events.stream().mapToInt(Event::instances).max().orElseThrow(),
                "no extra instance with max-surge 0");
        assertEquals(N - 1, roll.events.stream().mapToInt(Event::serving).min().orElseThrow(),
                "never more than max-unavailable instances missing");
        assertOneAtATime(roll.events);
        assertLeftThePoolFirst(roll.events, "upgrading");
        List<Call> upgrades = roll.calls.stream().filter(c -> c.method().equals("POST")
                && c.path().endsWith("/manualupgrade")).toList();
        assertEquals(N, upgrades.size(), "one manual upgrade per instance");
        assertTrue(roll.calls.stream().noneMatch(c -> c.method().equals("POST") && c.path().endsWith("/delete")),
                "nothing deleted");
        assertEquals(idsBefore, compute.versions(SCALE_SET_ID).keySet(), "the same instances, upgraded in place");
        assertAllRun("v2");
        assertMappingSurvivesRestart(List.of("b1", "b2", "b3"));
        record("max-surge 0 / max-unavailable 1", roll);
    }

    @Test
    void aScaleSetTheInfrastructurePlanMadeIsTakenOverInPlace() throws Exception {
        // as the plan's apply makes it: capacity 3, upgrade policy Manual, a model that runs nothing yet and knows no
        // load balancer
        clients.scaleSets().createOrUpdate(GROUP, "shop-prod", new VirtualMachineScaleSetInner()
                .withLocation("westeurope")
                .withSku(new Sku().withName("Standard_D4s_v3").withTier("Standard").withCapacity((long) N))
                .withUpgradePolicy(new UpgradePolicy().withMode(UpgradeMode.MANUAL))
                .withVirtualMachineProfile(new VirtualMachineScaleSetVMProfile().withNetworkProfile(
                        new VirtualMachineScaleSetNetworkProfile().withNetworkInterfaceConfigurations(List.of(
                                new VirtualMachineScaleSetNetworkConfiguration().withName("nic").withPrimary(true)
                                        .withIpConfigurations(List.of(new VirtualMachineScaleSetIpConfiguration()
                                                .withName("ipconfig").withSubnet(new ApiEntityReference().withId(
                                                        SCALE_SET_ID.replace("Microsoft.Compute/virtualMachineScaleSets"
                                                                + "/shop-prod", "Microsoft.Network/virtualNetworks/"
                                                                + "shop-prod-vnet/subnets/default"))))))))));
        Set<String> planned = compute.versions(SCALE_SET_ID).keySet();
        int mark = arm.calls().size();

        deployFirst();

        List<Call> calls = arm.calls().since(mark);
        assertEquals(N, calls.stream().filter(c -> c.path().endsWith("/manualupgrade")).count(),
                "each planned instance upgraded in place");
        assertEquals(planned, compute.versions(SCALE_SET_ID).keySet(), "no instance added or removed");
        assertAllRun("v1");
    }

    // ---- the rolling strategy's command order ----

    /** The first deployment (v1 in a1..a3): provision one, give it its share, the next. */
    private List<String> deployFirst() throws Exception {
        List<String> serving = new ArrayList<>();
        for (int i = 1; i <= N; i++) {
            String slot = "a" + i;
            SlotProvisioned p = assertInstanceOf(SlotProvisioned.class, send(provision("d1", slot, "v1")));
            assertEquals(200, TestProcesses.get(p.instanceUrl() + "/health").statusCode(), "health of " + slot);
            assertEquals("azure-monitor:" + SCALE_SET_ID, p.routerAdminUrl());
            serving.add(slot);
            assertInstanceOf(TrafficShifted.class, send(shift("d1", equal(serving, null))));
        }
        assertEquals(N, compute.poolMembers(LB_ID).size());
        return serving;
    }

    private record Roll(List<Event> events, List<Call> calls, int requests, int failures, Set<String> versionsSeen) {
    }

    /** As RollingStrategy.move/on: surge first while allowed, else take one out, release it, then replace it. */
    private Roll roll(String prefix, String version, List<String> oldSlots, int surge, int unavailable)
            throws Exception {
        String frontend = frontendUrl();
        int eventMark = compute.events().size();
        int callMark = arm.calls().size();
        Load load = new Load(frontend);
        load.start();
        List<String> old = new ArrayList<>(oldSlots);
        List<String> fresh = new ArrayList<>();
        while (!(fresh.size() >= N && old.isEmpty())) {
            if (fresh.size() < N && (surge > 0 || old.size() + fresh.size() < N)) {
                String slot = prefix + (fresh.size() + 1);
                SlotProvisioned p = assertInstanceOf(SlotProvisioned.class, send(provision("d2", slot, version)));
                assertEquals(200, TestProcesses.get(p.instanceUrl() + "/health").statusCode(), "health of " + slot);
                fresh.add(slot);
                String victim = !old.isEmpty() && old.size() + fresh.size() > N ? old.get(0) : null;
                assertInstanceOf(TrafficShifted.class, send(shift("d2", weights(old, fresh, victim))));
                if (victim != null) {
                    assertInstanceOf(ProvisionerEvent.SlotReleased.class, send(release("d2", victim)));
                    old.remove(victim);
                }
            } else {
                String victim = old.get(0);
                assertInstanceOf(TrafficShifted.class, send(shift("d2", weights(old, fresh, victim))));
                assertInstanceOf(ProvisionerEvent.SlotReleased.class, send(release("d2", victim)));
                old.remove(victim);
            }
        }
        load.stop();
        return new Roll(compute.events().subList(eventMark, compute.events().size()), arm.calls().since(callMark),
                load.requests.get(), load.failures.get(), load.versions.keySet());
    }

    private static Map<String, Integer> weights(List<String> old, List<String> fresh, String victim) {
        List<String> serving = new ArrayList<>();
        old.stream().filter(o -> !o.equals(victim)).forEach(serving::add);
        serving.addAll(fresh);
        return equal(serving, victim);
    }

    private static Map<String, Integer> equal(List<String> slots, String victim) {
        Map<String, Integer> w = new LinkedHashMap<>();
        int n = slots.size();
        for (int i = 0; i < n; i++) {
            w.put(slots.get(i), 100 / n + (i < 100 % n ? 1 : 0));
        }
        if (victim != null) {
            w.put(victim, 0);
        }
        return w;
    }

    private ProvisionSlot provision(String deployment, String slot, String version) {
        return new ProvisionSlot(Meta.start(deployment), SHOP, slot, version,
                TestProcesses.sampleAppJar().toString(), Map.of("LOG_LEVEL", "warn", "DB_PASSWORD", "secret://db-password"),
                0, null, PLACEMENT, 1);
    }

    private ShiftTraffic shift(String deployment, Map<String, Integer> weights) {
        return new ShiftTraffic(Meta.start(deployment), SHOP, weights, "rolling", null, PLACEMENT);
    }

    private ReleaseSlot release(String deployment, String slot) {
        return new ReleaseSlot(Meta.start(deployment), SHOP, slot, "rolling", PLACEMENT);
    }

    private ProvisionerEvent send(ProvisionerCommand command) {
        ProvisionerEvent event = service.handle(command);
        if (event instanceof ProvisioningFailed f) {
            List<Call> all = arm.calls().all();
            throw new AssertionError(command.getClass().getSimpleName() + " failed (" + f.cause() + "): " + f.reason()
                    + "; last ARM calls: " + all.subList(Math.max(0, all.size() - 6), all.size()));
        }
        return event;
    }

    // ---- assertions ----

    /** At no event were two instances coming up (created or upgrading, not yet ready) at once. */
    private static void assertOneAtATime(List<Event> events) {
        for (Event e : events) {
            assertTrue(e.notReady() <= 1, "two instances not ready at once: " + e);
        }
    }

    /** Every instance deleted / upgraded had left the backend pool before (and was out of it then). */
    private static void assertLeftThePoolFirst(List<Event> events, String kind) {
        Set<String> left = new HashSet<>();
        int seen = 0;
        for (Event e : events) {
            if (e.kind().equals("left-pool")) {
                left.add(e.instanceId());
            } else if (e.kind().equals("joined-pool")) {
                left.remove(e.instanceId());
            } else if (e.kind().equals(kind)) {
                seen++;
                assertFalse(e.inPool(), "instance " + e.instanceId() + " was still in the pool: " + e);
                assertTrue(left.contains(e.instanceId()), "instance " + e.instanceId() + " never left the pool: " + e);
            }
        }
        assertEquals(N, seen, kind + " events");
    }

    private void assertAllRun(String version) throws Exception {
        Map<String, String> versions = compute.versions(SCALE_SET_ID);
        assertEquals(N, versions.size(), "instances: " + versions);
        assertTrue(versions.values().stream().allMatch(version::equals), "versions: " + versions);
        assertEquals(new TreeMap<>(versions).keySet(), new java.util.TreeSet<>(compute.poolMembers(LB_ID)),
                "every instance serves");
        String frontend = frontendUrl();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = TestProcesses.get(frontend + "/");
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains(version), r.body());
        }
    }

    /** The slot → instance mapping is on the scale set: a provisioner started again finds every slot alive there. */
    private void assertMappingSurvivesRestart(List<String> slots) {
        String tag = arm.resource(SCALE_SET_ID).orElseThrow().path("tags").path(ScaleSets.SLOTS_TAG).asText();
        Map<String, String> mapping = new TreeMap<>();
        for (String pair : tag.split(",")) {
            mapping.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        assertEquals(slots, List.copyOf(mapping.keySet()), "tag " + tag);
        assertEquals(new java.util.TreeSet<>(compute.versions(SCALE_SET_ID).keySet()),
                new java.util.TreeSet<>(mapping.values()));
        ProvisioningService restarted = newService();
        TrafficShifted again = assertInstanceOf(TrafficShifted.class, restarted.handle(shift("d2",
                equal(slots, null))));
        assertEquals(Set.copyOf(slots), again.weights().keySet());
        String model = arm.resource(SCALE_SET_ID).orElseThrow().path("properties").path("virtualMachineProfile")
                .path("userData").asText();
        String bootstrap = new String(java.util.Base64.getDecoder().decode(model), StandardCharsets.UTF_8);
        assertTrue(bootstrap.contains("@Microsoft.KeyVault(VaultName=kv-shop;SecretName=db-password)"), bootstrap);
    }

    private String frontendUrl() {
        var lb = arm.resource(LB_ID).orElseThrow();
        int port = lb.path("properties").path("loadBalancingRules").get(0).path("properties").path("frontendPort")
                .asInt();
        return "http://127.0.0.1:" + port;
    }

    /** The ARM call sequence of the roll (without polls), written for the closing note. */
    private void record(String title, Roll roll) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("## " + title + " (" + roll.requests + " requests through the frontend, " + roll.failures
                + " failed)");
        roll.calls.stream().filter(c -> !c.isPoll()).map(c -> c.line().replace(
                "/subscriptions/" + SUB + "/resourceGroups/" + GROUP + "/providers", "…") + " → " + c.status())
                .forEach(lines::add);
        Path out = Path.of("target", "scale-set-rolling-calls.md");
        Files.createDirectories(out.getParent());
        Files.write(out, lines, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** Real HTTP through the load balancer's frontend every 20 ms, counting failures and the versions answering. */
    private final class Load {
        final String url;
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        final Map<String, Boolean> versions = new ConcurrentHashMap<>();
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        Load(String url) {
            this.url = url;
        }

        void start() {
            timer.scheduleWithFixedDelay(this::once, 0, 20, TimeUnit.MILLISECONDS);
        }

        private void once() {
            requests.incrementAndGet();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    failures.incrementAndGet();
                } else {
                    versions.put(r.body().contains("v2") ? "v2" : r.body().contains("v1") ? "v1" : "?", true);
                }
            } catch (Exception e) {
                failures.incrementAndGet();
            }
        }

        void stop() throws InterruptedException {
            timer.shutdown();
            timer.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
