package dev.cutover.orchestrator.engine;

import dev.cutover.events.Command;
import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.ProvisionerCommand.PlanInfrastructure;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.PinnedConfig;
import dev.cutover.orchestrator.model.SlotPlan;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.service.DeploymentRequestValidator;
import dev.cutover.orchestrator.settings.StageTimeouts;
import dev.cutover.orchestrator.strategy.Strategies;
import dev.cutover.orchestrator.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.cutover.events.DeploymentStatus.CONFIGURING;
import static dev.cutover.events.DeploymentStatus.PROVISIONING;
import static dev.cutover.events.DeploymentStatus.QUEUED;
import static dev.cutover.events.DeploymentStatus.SUCCEEDED;
import static dev.cutover.orchestrator.testing.Fixtures.T0;
import static dev.cutover.orchestrator.testing.Fixtures.TARGET;
import static dev.cutover.orchestrator.testing.Fixtures.meta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The resolved configuration is part of the deployment's record; a redeploy pins it instead of resolving again. */
class VersionedConfigTest {

    private static final DeploymentStateMachine SM = new DeploymentStateMachine(StageTimeouts.DEFAULTS, Strategies.ALL);

    private static Map<String, Object> config(String greeting) {
        return Map.of("router", Map.of("port", 18080), "app", Map.of("env", Map.of("GREETING", greeting,
                "DB_PASSWORD", "secret://db-password")));
    }

    private static List<Command> commands(Transition t) {
        return t.messages().stream().filter(Command.class::isInstance).map(Command.class::cast).toList();
    }

    @Test
    void recordsTheResolvedConfigurationAndItsProvenance() {
        Deployment configuring = SM.start(Fixtures.pending(SM, false), T0).after();
        Map<String, String> provenance = Map.of("router.port", "environment:staging", "app.env.GREETING", "overrides");
        Deployment d = SM.on(configuring, new ConfigResolved(meta(), TARGET, "sha256:one", config("hi"), provenance),
                T0).after();
        assertEquals("sha256:one", d.configHash());
        assertEquals(config("hi"), d.config());
        assertEquals(provenance, d.provenance());
        assertNull(d.configPinnedFrom());
        assertEquals(d, dev.cutover.orchestrator.store.SnapshotCodec.decode(
                dev.cutover.orchestrator.store.SnapshotCodec.encode(d)));
    }

    @Test
    void aPinnedDeploymentSkipsTheConfigStageAndRunsWithTheEarlierConfiguration() {
        PinnedConfig pinned = new PinnedConfig("sha256:one", config("hi"), Map.of("router.port", "base"), "d-0");
        DeploymentRequest request = new DeploymentRequest("shop", "staging", "1.0.0", "file:/apps/shop-1.jar",
                "blue-green", Map.of("app", Map.of("env", Map.of("GREETING", "hi"))));
        Deployment accepted = SM.accept("d-2", "c-2", request, new SlotPlan("green", "blue", "1.0.0"), null, T0,
                pinned).after();
        assertEquals("sha256:one", accepted.configHash());

        Transition started = SM.start(accepted, T0);
        assertEquals(PROVISIONING, started.after().status());
        assertEquals("configuration pinned to sha256:one from deployment d-0", started.after().reason());
        assertEquals("d-0", started.after().configPinnedFrom());
        assertTrue(commands(started).stream().noneMatch(ResolveConfig.class::isInstance));
        assertInstanceOf(PlanInfrastructure.class, commands(started).get(0));
        started = SM.on(started.after(), Fixtures.planned(Fixtures.noChanges()), T0);
        ProvisionSlot provision = assertInstanceOf(ProvisionSlot.class, commands(started).get(0));
        assertEquals(Map.of("GREETING", "hi", "DB_PASSWORD", "secret://db-password"), provision.environment());
        assertFalse(started.after().stages().stream().anyMatch(s -> Stage.CONFIG.equals(s.name())));
        assertEquals(SM.reissue(started.after(), T0).get(0).getClass(), ProvisionSlot.class);
    }

    @Test
    void aQueuedPinnedDeploymentStaysPinnedWhenItStarts() {
        PinnedConfig pinned = new PinnedConfig("sha256:one", config("hi"), null, "d-0");
        DeploymentRequest request = new DeploymentRequest("shop", "staging", "1.0.0", "a.jar", "blue-green", Map.of(),
                DeploymentRequest.QUEUE);
        Deployment queued = SM.queue("d-3", "c-3", request, "d-1", null, T0, pinned).after();
        assertEquals(QUEUED, queued.status());
        Transition t = SM.dequeue(queued, new SlotPlan("green", "blue", "2.0.0"), T0);
        assertEquals(PROVISIONING, t.after().status());
        assertEquals("d-0", t.after().configPinnedFrom());
        assertEquals("sha256:one", t.after().configHash());
        assertTrue(commands(t).stream().noneMatch(ResolveConfig.class::isInstance));
        assertInstanceOf(PlanInfrastructure.class, commands(t).get(0));
    }

    @Test
    void withoutARecordedConfigurationARedeployResolvesAgain() {
        Deployment old = Fixtures.in(SM, SUCCEEDED, false).edit().config(null).build();
        assertNull(PinnedConfig.of(old));
        DeploymentRequest request = new DeploymentRequest("shop", "staging", "2.0.0", "a.jar", "blue-green", Map.of());
        Deployment d = SM.accept("d-4", "c-4", request, null, null, T0, PinnedConfig.of(old)).after();
        assertEquals(CONFIGURING, SM.start(d, T0).after().status());
    }

    @Test
    void aConfigurationOnlyChangeIsANormalDeploymentWithItsOwnHash() {
        // the running deployment: 2.0.0 with hash one
        Deployment running = Fixtures.in(SM, SUCCEEDED, false);
        assertEquals("sha256:ab12", running.configHash());
        // same version and artifact, different overrides
        DeploymentRequest change = new DeploymentRequest("shop", "staging", running.version(), running.artifact(),
                "blue-green", Map.of("app", Map.of("env", Map.of("GREETING", "hello"))));
        assertTrue(DeploymentRequestValidator.validate(change).isEmpty());
        Deployment d = SM.accept("d-5", "c-5", change, SlotPlan.after(running), null, T0).after();
        Transition started = SM.start(d, T0);
        ResolveConfig resolve = assertInstanceOf(ResolveConfig.class, commands(started).get(0));
        assertEquals(change.overrides(), resolve.overrides());
        Deployment configured = SM.on(started.after(), new ConfigResolved(meta(), TARGET, "sha256:two",
                config("hello")), T0).after();
        assertEquals(PROVISIONING, configured.status());
        assertEquals("sha256:two", configured.configHash());
        assertEquals("blue", configured.slot(), "a new slot, over the one serving the old configuration");

        // rolling the configuration back = redeploying the earlier deployment: its hash and config, pinned
        Deployment back = SM.accept("d-6", "c-6", change, SlotPlan.after(running), null, T0,
                PinnedConfig.of(running)).after();
        Deployment rolledBack = SM.start(back, T0).after();
        assertEquals("sha256:ab12", rolledBack.configHash());
        assertEquals(running.config(), rolledBack.config());
        assertEquals(running.id(), rolledBack.configPinnedFrom());
    }
}
