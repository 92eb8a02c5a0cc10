package dev.cutover.provisioner.provisioning;

import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many applications in one environment (issue 10): each target gets its own router port, from the pool when its
 * application declares none, kept for every later deployment of the target (across a provisioner restart too),
 * and reported in SlotProvisioned. Real sample-app and router processes.
 */
class ManyTargetsProvisioningTest {

    private static final Target SHOP = new Target("shop", "development");
    private static final Target CART = new Target("cart", "development");

    @TempDir
    Path workDir;

    @AfterEach
    void killEverything() {
        TestProcesses.killAll(workDir);
    }

    /** A provisioner as it would be after a (re)start on this work dir. */
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

    private static SlotProvisioned provision(ProvisioningService service, Target target, String deployment,
                                             String slot, String version, int routerPort) {
        ProvisionerEvent event = service.handle(new ProvisionSlot(Meta.start(deployment), target, slot, version,
                "file:" + TestProcesses.sampleAppJar(), Map.of(), routerPort));
        return assertInstanceOf(SlotProvisioned.class, event, event::toString);
    }

    private static void shift(ProvisioningService service, Target target, String slot) {
        ProvisionerEvent event = service.handle(new ShiftTraffic(Meta.start("d"), target, Map.of(slot, 100), "switch"));
        assertInstanceOf(TrafficShifted.class, event, event::toString);
    }

    private static String body(String routerUrl) throws Exception {
        var response = TestProcesses.get(routerUrl + "/");
        return response.statusCode() + " " + response.body().strip();
    }

    private static int port(String url) {
        return URI.create(url).getPort();
    }

    @Test
    void twoApplicationsServeSideBySideInOneEnvironmentEachOnItsOwnPortFromThePool() throws Exception {
        ProvisioningService service = newService();
        SlotProvisioned shop = provision(service, SHOP, "d-shop-1", "blue", "1.0.0", ProvisionSlot.ROUTER_PORT_FROM_POOL);
        SlotProvisioned cart = provision(service, CART, "d-cart-1", "blue", "7.0.0", ProvisionSlot.ROUTER_PORT_FROM_POOL);

        assertNotNull(shop.routerUrl());
        assertNotNull(cart.routerUrl());
        assertNotEquals(port(shop.routerUrl()), port(cart.routerUrl()));
        for (String url : new String[] {shop.routerUrl(), cart.routerUrl()}) {
            int p = port(url);
            assertTrue(p >= 32700 && p < 32767, url + " is not from the pool");
        }
        // the admin API is the port after the router's, and each target's router is its own
        assertEquals(port(shop.routerUrl()) + 1, port(shop.routerAdminUrl()));
        assertNotEquals(port(shop.routerAdminUrl()), port(cart.routerUrl()));
        shift(service, SHOP, "blue");
        shift(service, CART, "blue");
        assertEquals("200 version=1.0.0 slot=blue", body(shop.routerUrl()));
        assertEquals("200 version=7.0.0 slot=blue", body(cart.routerUrl()));

        // the next deployment of shop keeps its port, also after a restart of the provisioner
        SlotProvisioned shop2 = provision(newService(), SHOP, "d-shop-2", "green", "2.0.0",
                ProvisionSlot.ROUTER_PORT_FROM_POOL);
        assertEquals(shop.routerUrl(), shop2.routerUrl());
        assertEquals("200 version=7.0.0 slot=blue", body(cart.routerUrl()));
    }

    @Test
    void anApplicationsOwnPortWinsOverThePool() throws Exception {
        ProvisioningService service = newService();
        int declared = TestProcesses.freeRouterPort();
        SlotProvisioned shop = provision(service, SHOP, "d-shop-1", "blue", "1.0.0", declared);
        SlotProvisioned cart = provision(service, CART, "d-cart-1", "blue", "7.0.0", ProvisionSlot.ROUTER_PORT_FROM_POOL);

        assertEquals("http://127.0.0.1:" + declared, shop.routerUrl());
        assertNotEquals(declared, port(cart.routerUrl()));
        // a later deployment asking for the pool gets the port the target already has
        SlotProvisioned again = provision(service, SHOP, "d-shop-2", "green", "2.0.0",
                ProvisionSlot.ROUTER_PORT_FROM_POOL);
        assertEquals(shop.routerUrl(), again.routerUrl());
        shift(service, SHOP, "green");
        assertEquals("200 version=2.0.0 slot=green", body(again.routerUrl()));
    }
}
