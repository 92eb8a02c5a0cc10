package dev.cutover.provisioner.azure.scaleset;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import dev.cutover.azure.standin.ArmStandIn;
import dev.cutover.azure.standin.Fault;
import dev.cutover.azure.standin.compute.ComputeStandIn;
import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.Target;
import dev.cutover.provisioner.TestProcesses;
import dev.cutover.provisioner.azure.AzureClients;
import dev.cutover.provisioner.config.ProviderSelection;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ARM's faults while provisioning a scale-set slot, each classified (configuration / infrastructure / timeout) with a
 * reason naming the operation and the resource.
 */
class ScaleSetFailuresTest {

    private static final String SUB = "00000000-0000-0000-0000-00000000fa11";
    private static final Target SHOP = new Target("shop", "prod");

    @TempDir
    Path dir;

    private ArmStandIn arm;
    private AzureClients azure;

    @BeforeEach
    void setUp() {
        arm = ArmStandIn.start();
        ComputeStandIn.install(arm, dir.resolve("instances"), List.of("-Xmx64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        arm.put("/subscriptions/" + SUB + "/resourceGroups/rg-shop",
                ArmStandIn.JSON.createObjectNode().put("location", "westeurope"));
        azure = new AzureClients(AzureClients.unauthenticated(new JdkHttpClientBuilder().build(),
                AzureClients.retryPolicy(1, Duration.ofMillis(20), Duration.ofMillis(100))),
                AzureClients.environment(arm.url()), "tenant", SUB, Duration.ofSeconds(2), Duration.ofMillis(50));
    }

    @AfterEach
    void tearDown() {
        arm.close();
    }

    @Test
    void aResourceGroupThatDoesNotExistIsTheConfigurations() throws Exception {
        ProvisioningFailed failed = provision("rg-missing");
        assertEquals(FailureCause.CONFIGURATION, failed.cause());
        assertTrue(failed.reason().contains("load balancer shop-prod-lb"), failed.reason());
        assertTrue(failed.reason().contains("404"), failed.reason());
    }

    @Test
    void aConflictOnTheModelUpdateIsTheInfrastructures() throws Exception {
        arm.faults().next("PUT", "/virtualMachineScaleSets/shop-prod$", Fault.conflict().always());
        ProvisioningFailed failed = provision("rg-shop");
        assertEquals(FailureCause.INFRASTRUCTURE, failed.cause());
        assertTrue(failed.reason().contains("create of scale set shop-prod"), failed.reason());
        assertTrue(failed.reason().contains("409"), failed.reason());
    }

    @Test
    void anOperationThatNeverFinishesIsATimeout() throws Exception {
        arm.faults().next("PUT", "/virtualMachineScaleSets/shop-prod$", Fault.neverFinishing());
        ProvisioningFailed failed = provision("rg-shop");
        assertEquals(FailureCause.TIMEOUT, failed.cause());
        assertTrue(failed.reason().contains("create of scale set shop-prod"), failed.reason());
    }

    private ProvisioningFailed provision(String group) throws Exception {
        Placement placement = new Placement(Placement.AZURE, Placement.SCALE_SET,
                new Placement.Infrastructure("Standard_B2s", 1, null, null, null), null, false,
                new Placement.Azure(SUB, group, "westeurope", "shop-prod", null));
        SlotRegistry registry = new SlotRegistry(dir.resolve("state"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ProvisioningService service = new ProvisioningService(
                ProviderSelection.only(ScaleSetTargets.of(azure, placement)), registry,
                new ProvisionerMetrics(meters, registry),
                new SecretResolver(new LocalSecretStore(Map.of(), Optional.empty()), meters));
        ProvisionerEvent event = service.handle(new ProvisionSlot(Meta.start("d1"), SHOP, "a1", "v1",
                TestProcesses.sampleAppJar().toString(), Map.of(), 0, null, placement, 1));
        return assertInstanceOf(ProvisioningFailed.class, event);
    }
}
