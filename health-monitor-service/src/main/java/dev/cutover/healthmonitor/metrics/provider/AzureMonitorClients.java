package dev.cutover.healthmonitor.metrics.provider;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.http.policy.ArmChallengeAuthenticationPolicy;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.monitor.MonitorManager;
import com.azure.resourcemanager.monitor.fluent.MetricsClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The SDK's Azure Monitor metrics clients, one per subscription (taken from each source's site id, so no
 * subscription needs configuring), built once and kept. The pipeline is ours rather than the SDK's default: no
 * retry policy (see {@link AzureMonitorMetricProvider}), and authentication by a {@link TokenCredential}
 * ({@code DefaultAzureCredential} in production: environment service principal, workload or managed identity, Azure
 * CLI) or none - for the ARM stand-in in tests, which speaks plain http:// (the SDK refuses a bearer token over it).
 */
public final class AzureMonitorClients implements Function<String, MetricsClient> {

    private final HttpClient httpClient;
    private final String resourceManagerEndpoint;
    private final String tenantId;
    private final TokenCredential credential;
    private final Map<String, MetricsClient> bySubscription = new ConcurrentHashMap<>();

    /**
     * @param resourceManagerEndpoint ARM's URL ({@code https://management.azure.com/} in Azure's public cloud)
     * @param tenantId the tenant, or null to leave it to the credential
     * @param credential the credential, or null for no authentication
     */
    public AzureMonitorClients(HttpClient httpClient, String resourceManagerEndpoint, String tenantId,
                               TokenCredential credential) {
        this.httpClient = httpClient;
        this.resourceManagerEndpoint = resourceManagerEndpoint.endsWith("/") ? resourceManagerEndpoint
                : resourceManagerEndpoint + "/";
        this.tenantId = tenantId;
        this.credential = credential;
    }

    @Override
    public MetricsClient apply(String subscriptionId) {
        return bySubscription.computeIfAbsent(subscriptionId, this::create);
    }

    private MetricsClient create(String subscriptionId) {
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", resourceManagerEndpoint);
        AzureProfile profile = new AzureProfile(tenantId, subscriptionId, new AzureEnvironment(endpoints));
        List<HttpPipelinePolicy> policies = new ArrayList<>();
        policies.add(new RequestIdPolicy());
        if (credential != null) {
            policies.add(new ArmChallengeAuthenticationPolicy(credential, resourceManagerEndpoint + ".default"));
        }
        HttpPipeline pipeline = new HttpPipelineBuilder().httpClient(httpClient)
                .policies(policies.toArray(HttpPipelinePolicy[]::new)).build();
        return MonitorManager.authenticate(pipeline, profile).serviceClient().getMetrics();
    }
}
