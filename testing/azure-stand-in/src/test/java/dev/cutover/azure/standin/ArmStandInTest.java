package dev.cutover.azure.standin;

import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.resources.ResourceManager;
import com.azure.resourcemanager.resources.fluent.models.GenericResourceInner;
import com.azure.resourcemanager.resources.fluent.models.ResourceGroupInner;
import com.azure.resourcemanager.resources.fluentcore.utils.ResourceManagerUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stand-in driven by the real Azure SDK (ResourceManager's generated clients, their serialization, the ARM
 * long-running-operation poller and the retry policy), through a pipeline without an authentication policy.
 */
class ArmStandInTest {

    private static final String SUB = "00000000-0000-0000-0000-0000000000aa";
    private static final String RG_ID = "/subscriptions/" + SUB + "/resourceGroups/rg-test";
    private static final String VAULT_ID = RG_ID + "/providers/Microsoft.KeyVault/vaults/kv-test";
    private static final String API = "2022-07-01";

    private static ArmStandIn arm;
    private static ResourceManager resources;

    @BeforeAll
    static void start() {
        arm = ArmStandIn.start();
        // The SDK's poll interval (default 30 s) comes from one process-wide delay provider.
        ResourceManagerUtils.InternalRuntimeContext.setDelayProvider(d -> Duration.ofMillis(50));
        AzureEnvironment environment = new AzureEnvironment(Map.of("resourceManagerEndpointUrl", arm.url() + "/"));
        HttpPipeline pipeline = new HttpPipelineBuilder()
                .httpClient(new JdkHttpClientBuilder().build())
                .policies(new RetryPolicy(new RetryOptions(new ExponentialBackoffOptions()
                        .setMaxRetries(3).setBaseDelay(Duration.ofMillis(50)).setMaxDelay(Duration.ofSeconds(5)))))
                .build();
        resources = ResourceManager.authenticate(pipeline, new AzureProfile("tenant", SUB, environment))
                .withSubscription(SUB);
    }

    @AfterAll
    static void stop() {
        arm.close();
    }

    @BeforeEach
    void fresh() {
        arm.faults().clear();
        arm.clearLongRunning();
        arm.delete(RG_ID);
        arm.calls().clear();
    }

    private static GenericResourceInner vault() {
        GenericResourceInner inner = new GenericResourceInner();
        inner.withLocation("westeurope");
        inner.withProperties(Map.of("tenantId", "tenant", "sku", Map.of("name", "standard")));
        return inner;
    }

    @Test
    void resourcesAreStoredByIdCaseInsensitivelyAndMissingOnesAreResourceNotFound() {
        resources.serviceClient().getResourceGroups().createOrUpdate("rg-test", new ResourceGroupInner().withLocation("westeurope"));
        GenericResourceInner created = resources.serviceClient().getResources().createOrUpdateById(VAULT_ID, API, vault());
        assertEquals("Microsoft.KeyVault/vaults", created.type());
        assertEquals("kv-test", created.name());

        GenericResourceInner read = resources.serviceClient().getResources().getById(VAULT_ID.toUpperCase(), API);
        assertEquals(VAULT_ID, read.id());
        assertEquals("Succeeded", ((Map<?, ?>) read.properties()).get("provisioningState"));

        ManagementException missing = assertThrows(ManagementException.class,
                () -> resources.serviceClient().getResources().getById(RG_ID + "/providers/Microsoft.KeyVault/vaults/none", API));
        assertEquals(404, missing.getResponse().getStatusCode());
        assertEquals("ResourceNotFound", missing.getValue().getCode());
        ManagementException noGroup = assertThrows(ManagementException.class,
                () -> resources.serviceClient().getResourceGroups().get("rg-none"));
        assertEquals("ResourceGroupNotFound", noGroup.getValue().getCode());

        assertEquals(List.of("PUT /subscriptions/" + SUB + "/resourcegroups/rg-test", "PUT " + VAULT_ID),
                arm.calls().changes());
        assertTrue(arm.calls().all().stream().allMatch(c -> c.apiVersion() != null), "every call has an api-version");
    }

    @Test
    void longRunningPutIsPolledThroughAzureAsyncOperationUntilSucceeded() {
        arm.put(RG_ID, ArmStandIn.JSON.createObjectNode().put("location", "westeurope"));
        arm.longRunning("PUT", "/vaults/", 3);

        GenericResourceInner created = resources.serviceClient().getResources().createOrUpdateById(VAULT_ID, API, vault());

        assertEquals(VAULT_ID, created.id());
        List<Call> polls = arm.calls().filter(Call::isPoll);
        assertEquals(4, polls.size(), "three InProgress answers, then Succeeded: " + arm.calls().all());
        assertEquals(201, arm.calls().matching("PUT", "/vaults/kv-test$").get(0).status());
    }

    @Test
    void failedOperationSurfacesItsError() {
        arm.put(RG_ID, ArmStandIn.JSON.createObjectNode().put("location", "westeurope"));
        arm.failingOperation("PUT", "/vaults/", 1, "VaultAlreadyExists", "taken");

        ManagementException failed = assertThrows(ManagementException.class,
                () -> resources.serviceClient().getResources().createOrUpdateById(VAULT_ID, API, vault()));
        assertEquals("VaultAlreadyExists", failed.getValue().getCode());
        assertFalse(arm.exists(VAULT_ID));
    }

    @Test
    void throttlingIsRetriedAfterRetryAfter() {
        arm.put(RG_ID, ArmStandIn.JSON.createObjectNode().put("location", "westeurope"));
        arm.faults().next("PUT", "/vaults/", Fault.throttled(Duration.ofSeconds(1)));

        resources.serviceClient().getResources().createOrUpdateById(VAULT_ID, API, vault());

        List<Call> puts = arm.calls().matching("PUT", "/vaults/kv-test$");
        assertEquals(List.of(429, 201), puts.stream().map(Call::status).toList());
        Duration waited = Duration.between(puts.get(0).at(), puts.get(1).at());
        assertTrue(waited.compareTo(Duration.ofMillis(950)) >= 0, "the SDK waited Retry-After: " + waited);
    }

    @Test
    void faultsAreAnsweredAsArmDoes() {
        arm.put(RG_ID, ArmStandIn.JSON.createObjectNode().put("location", "westeurope"));
        arm.faults().next("PUT", "/vaults/", Fault.conflict());
        ManagementException conflict = assertThrows(ManagementException.class,
                () -> resources.serviceClient().getResources().createOrUpdateById(VAULT_ID, API, vault()));
        assertEquals(409, conflict.getResponse().getStatusCode());
        assertEquals("Conflict", conflict.getValue().getCode());

        arm.faults().next("GET", "/vaults/", Fault.unauthorized());
        ManagementException unauthorized = assertThrows(ManagementException.class,
                () -> resources.serviceClient().getResources().getById(VAULT_ID, API));
        assertEquals(401, unauthorized.getResponse().getStatusCode());
        assertTrue(unauthorized.getResponse().getHeaderValue("WWW-Authenticate").startsWith("Bearer "));

        // 500 is retried by the SDK; armed more times than it retries, it surfaces
        arm.faults().next("PUT", "/vaults/", Fault.serverError().times(4));
        ManagementException server = assertThrows(ManagementException.class,
                () -> resources.serviceClient().getResources().createOrUpdateById(VAULT_ID, API, vault()));
        assertEquals(500, server.getResponse().getStatusCode());
        assertEquals(4, arm.calls().matching("PUT", "/vaults/").stream().filter(c -> c.status() == 500).count());
    }

    @Test
    void routesWinOverTheGenericHandlingAndCollectionsList() {
        arm.put(RG_ID, ArmStandIn.JSON.createObjectNode().put("location", "westeurope"));
        arm.route("GET", ".*/providers/Microsoft.KeyVault/vaults/special", r -> ArmResponse.error(403, "Forbidden", "no"));
        resources.serviceClient().getResources().createOrUpdateById(VAULT_ID, API, vault());
        ManagementException forbidden = assertThrows(ManagementException.class,
                () -> resources.serviceClient().getResources().getById(RG_ID + "/providers/Microsoft.KeyVault/vaults/special", API));
        assertEquals(403, forbidden.getResponse().getStatusCode());

        List<String> ids = resources.serviceClient().getResources().listByResourceGroup("rg-test").stream()
                .map(GenericResourceInner::id).toList();
        assertEquals(List.of(VAULT_ID), ids);
    }
}
