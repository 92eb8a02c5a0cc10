package dev.cutover.orchestrator.engine;

import dev.cutover.events.Command;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.ProvisionerCommand.PlanInfrastructure;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.FailureRecord;
import dev.cutover.orchestrator.model.FailureType;
import dev.cutover.orchestrator.model.SlotPlan;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.Transition;
import dev.cutover.orchestrator.settings.StageTimeouts;
import dev.cutover.orchestrator.strategy.Strategies;
import dev.cutover.orchestrator.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.cutover.orchestrator.testing.Fixtures.T0;
import static dev.cutover.orchestrator.testing.Fixtures.meta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The environment's artifact policy is checked once the configuration is resolved: a disallowed source or a missing
 * required digest is FAILED as a configuration error (not retried) before anything is planned or provisioned; an
 * allowed artifact's digest reaches the provisioner on ProvisionSlot.
 */
class ArtifactPolicyStageTest {

    private static final DeploymentStateMachine SM = new DeploymentStateMachine(StageTimeouts.DEFAULTS, Strategies.ALL);
    private static final Target PRODUCTION = new Target("shop", "production");
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>(Fixtures.config());
        c.put("artifact", Map.of("allowed-sources", List.of("file:///opt/releases/", "https://artifacts.example/"),
                "require-digest", true));
        return c;
    }

    private static Deployment configuring(String artifact, String sha256) {
        DeploymentRequest request = new DeploymentRequest("shop", "production", "2.0.0", artifact, "blue-green",
                Map.of(), null, sha256);
        Deployment pending = SM.accept("d-art", "c-1", request, new SlotPlan("green", "blue", "1.0.0"), null, T0)
                .after();
        return SM.start(pending, T0).after();
    }

    private static Transition resolved(Deployment configuring) {
        return SM.on(configuring, new ConfigResolved(meta(), PRODUCTION, "sha256:p", config()), T0);
    }

    private static void assertStoppedAsConfiguration(Transition t, String field) {
        assertEquals(DeploymentStatus.FAILED, t.after().status());
        FailureRecord f = t.after().lastFailure();
        assertEquals(FailureType.CONFIGURATION_ERROR, f.type());
        assertFalse(f.recoverable());
        assertEquals(Stage.CONFIG, f.stage());
        assertTrue(f.reason().contains(field), f.reason());
        assertTrue(t.messages().stream().noneMatch(Command.class::isInstance), () -> "commanded: " + t.messages());
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///tmp/shop.jar", "file:///opt/releases/../../tmp/shop.jar",
            "https://artifacts.example.evil.com/shop.jar"})
    void aDisallowedSourceFailsBeforeAnythingIsPlanned(String artifact) {
        assertStoppedAsConfiguration(resolved(configuring(artifact, SHA)), "artifact");
    }

    @Test
    void aMissingRequiredDigestFailsBeforeAnythingIsPlanned() {
        assertStoppedAsConfiguration(resolved(configuring("file:///opt/releases/shop.jar", null)), "sha256");
    }

    @Test
    void anAllowedArtifactWithItsDigestIsPlannedAndTheDigestReachesTheProvisioner() {
        Deployment configuring = configuring("https://artifacts.example/shop/shop-2.0.0.jar", SHA);
        assertEquals(SHA, configuring.sha256());
        Transition planning = resolved(configuring);
        assertTrue(planning.messages().stream().anyMatch(PlanInfrastructure.class::isInstance), planning::toString);
        Transition provisioning = SM.on(planning.after(), Fixtures.planned(Fixtures.noChanges()), T0);
        ProvisionSlot slot = provisioning.messages().stream().filter(ProvisionSlot.class::isInstance)
                .map(ProvisionSlot.class::cast).findFirst().orElseThrow(() -> new AssertionError(provisioning));
        assertEquals(SHA, slot.sha256());
        assertEquals("https://artifacts.example/shop/shop-2.0.0.jar", slot.artifact());
    }

    @Test
    void aConfigurationWithoutAPolicyRunsAsBefore() {
        Deployment configuring = configuring("file:/apps/shop.jar", null);
        Transition t = SM.on(configuring, new ConfigResolved(meta(), PRODUCTION, "sha256:old", Fixtures.config()), T0);
        assertInstanceOf(PlanInfrastructure.class, t.messages().stream().filter(Command.class::isInstance)
                .findFirst().orElseThrow());
    }
}
