package dev.cutover.orchestrator.engine;

import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.SlotPlan;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.settings.StageTimeouts;
import dev.cutover.orchestrator.strategy.Strategies;
import dev.cutover.orchestrator.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;

import static dev.cutover.orchestrator.testing.Fixtures.T0;
import static dev.cutover.orchestrator.testing.Fixtures.TARGET;
import static dev.cutover.orchestrator.testing.Fixtures.health;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many applications per environment: a target whose configuration declares no router port is provisioned with port
 * 0 (the provisioner's pool gives it one and reports where), an application's own port is sent as it is, the
 * environment's app.command goes with every ProvisionSlot, and the router URL is in the deployment's view from the
 * moment the slot is provisioned (a later report without one keeps it).
 */
class RouterPortTest {

    private static final DeploymentStateMachine SM = new DeploymentStateMachine(StageTimeouts.DEFAULTS, Strategies.ALL);
    private static final String ROUTER = "http://127.0.0.1:18342";
    private static final String ADMIN = "http://127.0.0.1:18343";

    private static Map<String, Object> config(Integer port, String command) {
        Map<String, Object> c = new HashMap<>(Fixtures.config());
        c.remove("router");
        if (port != null) {
            c.put("router", Map.of("port", port));
        }
        if (command != null) {
            c.put("app", Map.of("command", command));
        }
        return c;
    }

    /** The strategy's ProvisionSlot for a configuration. */
    private static Transition provisioning(String strategy, Map<String, Object> config) {
        Deployment d = SM.accept(Fixtures.ID, "c-1", new DeploymentRequest("shop", "staging", "2.0.0",
                "file:/apps/shop.tar.gz", strategy, Map.of()), new SlotPlan("green", "blue", "1.0.0"), null, T0)
                .after();
        d = SM.start(d, T0).after();
        return Fixtures.configured(SM, d, Fixtures.configResolved(config));
    }

    private static ProvisionSlot provisionSlot(Transition t) {
        return t.messages().stream().filter(ProvisionSlot.class::isInstance).map(ProvisionSlot.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no ProvisionSlot in " + t.messages()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"blue-green", "canary", "rolling"})
    void noDeclaredPortIsZeroAndTheCommandGoesAlong(String strategy) {
        ProvisionSlot pool = provisionSlot(provisioning(strategy, config(null, "node server.js {port}")));
        assertEquals(ProvisionSlot.ROUTER_PORT_FROM_POOL, pool.routerPort());
        assertEquals("node server.js {port}", pool.command());
        ProvisionSlot own = provisionSlot(provisioning(strategy, config(18090, null)));
        assertEquals(18090, own.routerPort());
        assertEquals(null, own.command());
    }

    @ParameterizedTest
    @ValueSource(strings = {"blue-green", "canary", "rolling"})
    void theRouterUrlIsKnownOnceTheSlotIsProvisioned(String strategy) {
        Transition t = provisioning(strategy, config(null, null));
        ProvisionSlot p = provisionSlot(t);
        Deployment verifying = SM.on(t.after(), new SlotProvisioned(Meta.causedBy(p.meta()), TARGET, p.slot(), "2.0.0",
                Fixtures.URL, "i-1", ADMIN, ROUTER), T0).after();
        assertEquals("verify", verifying.stage());
        assertEquals(ROUTER, verifying.routerUrl(), "in the view before any traffic moved");
        assertEquals(ADMIN, verifying.routerAdminUrl());

        Transition checked = SM.on(verifying, health("pre-switch", p.slot(), true), T0);
        ShiftTraffic shift = checked.messages().stream().filter(ShiftTraffic.class::isInstance)
                .map(ShiftTraffic.class::cast).findFirst().orElseThrow();
        Transition shifted = SM.on(checked.after(), new TrafficShifted(Meta.causedBy(shift.meta()), TARGET,
                shift.weights(), null, shift.reason()), T0);
        assertTrue(shifted.changed(), "the shift was taken");
        assertEquals(ROUTER, shifted.after().routerUrl(), "a report without a router URL keeps the known one");
    }
}
