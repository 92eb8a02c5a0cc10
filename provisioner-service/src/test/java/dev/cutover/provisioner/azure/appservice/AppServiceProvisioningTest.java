package dev.cutover.provisioner.azure.appservice;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.azure.standin.ArmStandIn;
import dev.cutover.azure.standin.Call;
import dev.cutover.azure.standin.Fault;
import dev.cutover.azure.standin.web.WebStandIn;
import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.Target;
import dev.cutover.provisioner.TestProcesses;
import dev.cutover.provisioner.azure.AzureClients;
import dev.cutover.provisioner.config.ProviderSelection;
import dev.cutover.provisioner.config.ProviderSelection.Providers;
import dev.cutover.provisioner.provisioning.ProvisionerMetrics;
import dev.cutover.provisioner.provisioning.ProvisioningService;
import dev.cutover.secrets.LocalSecretStore;
import dev.cutover.provisioner.secret.SecretResolver;
import dev.cutover.provisioner.slot.SlotRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The App Service provider through the real Azure SDK against the ARM stand-in, whose slots run the sample app as
 * real processes: health checks and traffic are real HTTP through the slots' host names.
 */
class AppServiceProvisioningTest {

    private static final String SUB = "00000000-0000-0000-0000-00000000c0de";
    private static final String RG = "rg-shop";

    @TempDir
    static Path stateDir;

    private static ArmStandIn arm;
    private static WebStandIn web;
    private static AzureClients clients;
    private static SlotRegistry registry;
    private static ProvisioningService service;

    @BeforeAll
    static void start() {
        arm = ArmStandIn.start();
        web = WebStandIn.install(arm);
        clients = new AzureClients(AzureClients.unauthenticated(new JdkHttpClientBuilder().build(),
                AzureClients.retryPolicy(3, Duration.ofMillis(50), Duration.ofSeconds(5))),
                AzureClients.environment(arm.url()), "tenant", SUB, Duration.ofSeconds(4), Duration.ofMillis(50));
        registry = new SlotRegistry(stateDir.resolve("state"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ProviderSelection.Lookup lookup = new ProviderSelection.Lookup() {
            @Override
            public Providers of(Placement placement) throws dev.cutover.provisioner.slot.ProvisioningException {
                AppServiceTarget target = AppServiceTarget.of(clients, placement, "P1v3");
                return new Providers(target, target);
            }

            @Override
            public boolean alive(dev.cutover.provisioner.slot.SlotInstance instance) {
                return AppServiceTarget.owns(instance);
            }
        };
        service = new ProvisioningService(lookup, registry, new ProvisionerMetrics(meters, registry),
                new SecretResolver(new LocalSecretStore(Map.of(), Optional.empty()), meters));
    }

    @AfterAll
    static void stop() {
        arm.close();
    }

    private static Placement placement(String site) {
        return new Placement(Placement.AZURE, Placement.APP_SERVICE,
                new Placement.Infrastructure("P1v3", 1, null, null, null), null, false,
                new Placement.Azure(SUB, RG, "westeurope", site, "kv-shop"));
    }

    private static String siteId(String site) {
        return "/subscriptions/" + SUB + "/resourceGroups/" + RG + "/providers/Microsoft.Web/sites/" + site;
    }

    private static ProvisionerEvent provision(Target target, String site, String slot, String version) {
        return service.handle(new ProvisionSlot(Meta.start("d-" + version), target, slot, version,
                "file:" + TestProcesses.sampleAppJar(), Map.of("APP_MODE", "test", "DB_PASSWORD", "secret://db-password"),
                0, null, placement(site), null));
    }

    private static ProvisionerEvent shift(Target target, String site, Map<String, Integer> weights) {
        return service.handle(new ShiftTraffic(Meta.start("d"), target, weights, "test", null, placement(site)));
    }

    private static String version(String url) throws Exception {
        HttpResponse<String> r = TestProcesses.get(url + "/");
        return r.headers().firstValue("X-Cutover-Version").orElse("status " + r.statusCode());
    }

    private static double rampPercent(String site) {
        JsonNode rules = arm.resource(siteId(site) + "/config/web").orElseThrow()
                .path("properties").path("experiments").path("rampUpRules");
        return rules.isEmpty() ? 0 : rules.get(0).path("reroutePercentage").asDouble();
    }

    private static List<String> sequence(int mark) {
        List<String> lines = new ArrayList<>();
        for (Call c : arm.calls().since(mark)) {
            if (!c.isPoll()) {
                lines.add(c.method() + " " + c.path().replace(siteId("shop-bg"), "{site}").replace(siteId("shop-canary"), "{site}"));
            }
        }
        return lines;
    }

    @Test
    void blueGreenDeploysToStagingSwapsAndRollsBackBySwappingBack() throws Exception {
        Target shop = new Target("shop", "bg");
        int mark = arm.calls().size();
        SlotProvisioned blue = assertInstanceOf(SlotProvisioned.class, provision(shop, "shop-bg", "blue", "v1"));
        String stagingHost = "http://" + web.hostName(siteId("shop-bg"), "staging").orElseThrow();
        String productionHost = "http://" + web.hostName(siteId("shop-bg"), "production").orElseThrow();
        assertEquals(stagingHost, blue.instanceUrl(), "health checks go to the staging slot's own host name");
        assertEquals("v1", version(blue.instanceUrl()));
        assertEquals("azure-monitor:" + siteId("shop-bg") + "?blue=staging", blue.routerAdminUrl());
        // secrets stay Key Vault references, never values
        assertEquals("@Microsoft.KeyVault(SecretUri=https://kv-shop.vault.azure.net/secrets/db-password)",
                web.settings(siteId("shop-bg"), "staging").get("DB_PASSWORD"));
        JsonNode site = arm.resource(siteId("shop-bg")).orElseThrow();
        assertTrue(site.path("properties").path("httpsOnly").asBoolean());
        assertEquals("SystemAssigned", site.path("identity").path("type").asText());
        JsonNode config = arm.resource(siteId("shop-bg") + "/config/web").orElseThrow().path("properties");
        assertEquals("1.2", config.path("minTlsVersion").asText());
        assertEquals("Disabled", config.path("ftpsState").asText());

        TrafficShifted live = assertInstanceOf(TrafficShifted.class, shift(shop, "shop-bg", Map.of("blue", 100)));
        assertEquals(productionHost, live.routerUrl());
        assertEquals("v1", version(productionHost));
        System.out.println("blue-green, first deployment:\n  " + String.join("\n  ", sequence(mark)));

        mark = arm.calls().size();
        SlotProvisioned green = assertInstanceOf(SlotProvisioned.class, provision(shop, "shop-bg", "green", "v2"));
        assertEquals("v2", version(green.instanceUrl()));
        assertEquals("v1", version(productionHost));
        TrafficShifted switched = assertInstanceOf(TrafficShifted.class, shift(shop, "shop-bg", Map.of("green", 100)));
        assertEquals("azure-monitor:" + siteId("shop-bg") + "?green=production&blue=staging", switched.routerAdminUrl());
        assertEquals("v2", version(productionHost));
        assertEquals("v1", version(stagingHost), "the old version stays warm in staging");
        assertEquals("v2", version(switched.instanceUrls().get("green")), "green's health checks follow it");
        assertEquals("v1", version(switched.instanceUrls().get("blue")));
        List<String> seq = sequence(mark);
        System.out.println("blue-green, second deployment:\n  " + String.join("\n  ", seq));
        assertTrue(seq.contains("PUT {site}/slots/staging/config/appsettings"), seq::toString);
        assertTrue(seq.contains("POST {site}/slots/staging/slotsswap"), seq::toString);
        assertTrue(seq.indexOf("PUT {site}/slots/staging/config/appsettings") < seq.indexOf("POST {site}/slots/staging/slotsswap"));

        mark = arm.calls().size();
        TrafficShifted back = assertInstanceOf(TrafficShifted.class, shift(shop, "shop-bg", Map.of("blue", 100)));
        assertEquals("azure-monitor:" + siteId("shop-bg") + "?blue=production&green=staging", back.routerAdminUrl());
        assertEquals("v1", version(productionHost), "rollback = swap back");
        assertEquals("v1", version(back.instanceUrls().get("blue")));
        assertEquals(1, sequence(mark).stream().filter(l -> l.endsWith("/slotsswap")).count());
        System.out.println("blue-green, rollback:\n  " + String.join("\n  ", sequence(mark)));

        mark = arm.calls().size();
        assertInstanceOf(SlotReleased.class, service.handle(new ReleaseSlot(Meta.start("d"), shop, "green", "done",
                placement("shop-bg"))));
        assertTrue(sequence(mark).contains("POST {site}/slots/staging/stop"), sequence(mark)::toString);
        assertFalse(web.runs(siteId("shop-bg"), "staging"));
        assertEquals("v1", version(productionHost));
    }

    @Test
    void canaryRampsUpThroughRoutingRulesAndAbortsInOneCall() throws Exception {
        Target shop = new Target("shop", "canary");
        assertInstanceOf(SlotProvisioned.class, provision(shop, "shop-canary", "blue", "v1"));
        assertInstanceOf(TrafficShifted.class, shift(shop, "shop-canary", Map.of("blue", 100)));
        assertInstanceOf(SlotProvisioned.class, provision(shop, "shop-canary", "canary", "v2"));
        String productionHost = "http://" + web.hostName(siteId("shop-canary"), "production").orElseThrow();

        int mark = arm.calls().size();
        List<Double> seen = new ArrayList<>();
        for (int w : List.of(5, 25, 50)) {
            assertInstanceOf(TrafficShifted.class, shift(shop, "shop-canary", Map.of("canary", w, "blue", 100 - w)));
            seen.add(rampPercent("shop-canary"));
            if (w == 25) {
                int v2 = 0;
                for (int i = 0; i < 100; i++) {
                    v2 += version(productionHost).equals("v2") ? 1 : 0;
                }
                assertTrue(v2 >= 20 && v2 <= 30, "about 25 of 100 requests reach the canary: " + v2);
            }
        }
        assertEquals(List.of(5.0, 25.0, 50.0), seen);
        System.out.println("canary, 5 / 25 / 50:\n  " + String.join("\n  ", sequence(mark)));

        mark = arm.calls().size();
        assertInstanceOf(TrafficShifted.class, shift(shop, "shop-canary", Map.of("blue", 100)));
        List<String> abort = sequence(mark);
        assertEquals(List.of("PATCH {site}/config/web"), abort.stream().filter(l -> !l.startsWith("GET")).toList(),
                "abort is one call: " + abort);
        assertEquals(0.0, rampPercent("shop-canary"));
        assertEquals("v1", version(productionHost));

        mark = arm.calls().size();
        for (int w : List.of(5, 25, 50)) {
            shift(shop, "shop-canary", Map.of("canary", w, "blue", 100 - w));
        }
        assertInstanceOf(TrafficShifted.class, shift(shop, "shop-canary", Map.of("canary", 100)));
        assertEquals(0.0, rampPercent("shop-canary"), "after the swap, no routing rule");
        assertEquals("v2", version(productionHost));
        System.out.println("canary, 5 / 25 / 50 / 100:\n  " + String.join("\n  ", sequence(mark)));
    }

    private static FailureCause failure(ProvisionerEvent event) {
        return assertInstanceOf(ProvisioningFailed.class, event, event::toString).cause();
    }

    @Test
    void armFaultsAreClassified() throws Exception {
        Target shop = new Target("shop", "faults");
        assertInstanceOf(SlotProvisioned.class, provision(shop, "shop-faults", "blue", "v1"));
        String appSettings = "/sites/shop-faults/slots/staging/config/appsettings";

        arm.faults().next("PUT", appSettings, Fault.conflict());
        assertEquals(FailureCause.INFRASTRUCTURE, failure(provision(shop, "shop-faults", "blue", "v2")));

        arm.faults().next("PUT", appSettings, Fault.serverError().times(4));
        assertEquals(FailureCause.INFRASTRUCTURE, failure(provision(shop, "shop-faults", "blue", "v3")));

        arm.faults().next("PUT", appSettings, Fault.unauthorized());
        assertEquals(FailureCause.CONFIGURATION, failure(provision(shop, "shop-faults", "blue", "v4")));

        int mark = arm.calls().size();
        arm.faults().next("PUT", appSettings, Fault.throttled(Duration.ofSeconds(1)));
        assertInstanceOf(SlotProvisioned.class, provision(shop, "shop-faults", "blue", "v5"));
        List<Call> puts = arm.calls().since(mark).stream().filter(c -> c.path().endsWith(appSettings)).toList();
        assertEquals(List.of(429, 200), puts.stream().map(Call::status).toList());
        assertTrue(Duration.between(puts.get(0).at(), puts.get(1).at()).toMillis() >= 950, "waited Retry-After");

        arm.faults().next("POST", "/sites/shop-faults/slots/staging/slotsswap", Fault.neverFinishing());
        assertEquals(FailureCause.TIMEOUT, failure(shift(shop, "shop-faults", Map.of("blue", 100))));

        int port = TestProcesses.freeRouterPort();
        AzureClients unreachable = new AzureClients(AzureClients.unauthenticated(new JdkHttpClientBuilder().build(),
                AzureClients.retryPolicy(0, Duration.ofMillis(10), Duration.ofMillis(10))),
                AzureClients.environment("http://127.0.0.1:" + port), "tenant", SUB, Duration.ofSeconds(2),
                Duration.ofMillis(50));
        AppServiceTarget nowhere = AppServiceTarget.of(unreachable, placement("shop-faults"), "P1v3");
        dev.cutover.provisioner.slot.ProvisioningException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.cutover.provisioner.slot.ProvisioningException.class, () -> nowhere.ensure(shop, 0, null));
        assertEquals(FailureCause.NETWORK, e.kind());
    }
}
