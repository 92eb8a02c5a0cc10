package dev.cutover.provisioner.azure.appservice;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import dev.cutover.azure.standin.ArmStandIn;
import dev.cutover.azure.standin.Call;
import dev.cutover.azure.standin.web.WebStandIn;
import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.Target;
import dev.cutover.provisioner.TestProcesses;
import dev.cutover.provisioner.azure.AzureClients;
import dev.cutover.provisioner.config.ProviderSelection;
import dev.cutover.provisioner.config.ProviderSelection.Providers;
import dev.cutover.provisioner.provisioning.ArtifactStore;
import dev.cutover.provisioner.provisioning.ProvisionerMetrics;
import dev.cutover.provisioner.provisioning.ProvisioningService;
import dev.cutover.provisioner.secret.SecretResolver;
import dev.cutover.provisioner.slot.SlotRegistry;
import dev.cutover.secrets.LocalSecretStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * An App Service target is given the artifact's URL (the platform fetches it), so the provisioner checks what the
 * URL serves against the request's sha256 before it issues anything: a mismatch writes nothing to Azure.
 */
class AppServiceArtifactDigestTest {

    private static final String SUB = "00000000-0000-0000-0000-00000000d1d1";

    @TempDir
    static Path stateDir;

    private static ArmStandIn arm;
    private static ProvisioningService service;

    @BeforeAll
    static void start() {
        arm = ArmStandIn.start();
        WebStandIn.install(arm);
        AzureClients clients = new AzureClients(AzureClients.unauthenticated(new JdkHttpClientBuilder().build(),
                AzureClients.retryPolicy(3, Duration.ofMillis(50), Duration.ofSeconds(5))),
                AzureClients.environment(arm.url()), "tenant", SUB, Duration.ofSeconds(4), Duration.ofMillis(50));
        SlotRegistry registry = new SlotRegistry(stateDir.resolve("state"));
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
                new SecretResolver(new LocalSecretStore(Map.of(), Optional.empty()), meters),
                new ArtifactStore(stateDir.resolve("artifacts")));
    }

    @AfterAll
    static void stop() {
        arm.close();
    }

    @Test
    void aMismatchIsAConfigurationFailureBeforeAnyAzureCall() {
        int mark = arm.calls().size();
        Placement placement = new Placement(Placement.AZURE, Placement.APP_SERVICE,
                new Placement.Infrastructure("P1v3", 1, null, null, null), null, false,
                new Placement.Azure(SUB, "rg-digest", "westeurope", "digest-site", null));
        ProvisioningFailed failed = assertInstanceOf(ProvisioningFailed.class, service.handle(new ProvisionSlot(
                Meta.start("d-digest"), new Target("shop", "production"), "staging", "2.0.0",
                "file:" + TestProcesses.sampleAppJar(), Map.of(), 0, null, placement, null, "0".repeat(64))));
        assertEquals(FailureCause.CONFIGURATION, failed.cause());
        assertTrue(failed.reason().contains("sha256"), failed.reason());
        List<Call> calls = arm.calls().since(mark);
        assertEquals(List.of(), calls, "Azure was called before the digest was checked");
    }
}
