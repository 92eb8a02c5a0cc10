package dev.cutover.provisioner.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.AddDatePolicy;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.HttpLoggingPolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.polling.PollResult;
import com.azure.core.management.profile.AzureProfile;
import com.azure.core.util.Configuration;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.appservice.AppServiceManager;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.monitor.MonitorManager;
import com.azure.resourcemanager.msi.MsiManager;
import com.azure.resourcemanager.network.NetworkManager;
import com.azure.resourcemanager.resources.ResourceManager;
import com.azure.resourcemanager.resources.fluentcore.utils.HttpPipelineProvider;
import com.azure.resourcemanager.resources.fluentcore.utils.ResourceManagerUtils;
import com.azure.resourcemanager.storage.StorageManager;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.provisioner.config.ProvisionerConfig;
import dev.cutover.provisioner.slot.ProvisioningException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The Azure SDK's resource managers for the azure provider and the infrastructure plan, one set per subscription,
 * all on one HTTP pipeline (one connection pool, one retry policy). In production the pipeline authenticates with
 * DefaultAzureCredential; for the ARM stand-in it has no authentication policy (a bearer token over http:// is
 * refused by the SDK, and the stand-in wants none). Providers should prefer a manager's generated service client
 * ({@code manager.serviceClient().getWebApps()}) where the fluent API would read before it writes: fewer, predictable
 * ARM calls.
 */
public final class AzureClients {

    private final HttpPipeline pipeline;
    private final AzureEnvironment environment;
    private final String tenantId;
    private final String defaultSubscription;
    private final Duration operationTimeout;
    private final Duration pollInterval;
    private final Map<String, Object> managers = new ConcurrentHashMap<>();

    public AzureClients(HttpPipeline pipeline, AzureEnvironment environment, String tenantId, String defaultSubscription,
                        Duration operationTimeout, Duration pollInterval) {
        this.pipeline = Objects.requireNonNull(pipeline);
        this.environment = Objects.requireNonNull(environment);
        this.tenantId = tenantId;
        this.defaultSubscription = defaultSubscription;
        this.operationTimeout = operationTimeout;
        this.pollInterval = pollInterval;
        // The generated clients poll long-running operations every 30 s unless ARM says (Retry-After); the
        // interval comes from one process-wide delay provider of the SDK.
        ResourceManagerUtils.InternalRuntimeContext.setDelayProvider(ignored -> pollInterval);
    }

    /** From {@code cutover.provisioner.azure.*}. */
    public static AzureClients fromConfig(ProvisionerConfig.Azure config) {
        AzureEnvironment environment = config.resourceManagerEndpoint()
                .map(AzureClients::environment)
                .orElse(AzureEnvironment.AZURE);
        RetryPolicy retry = retryPolicy(config.maxRetries(), config.retryDelay(), config.maxRetryDelay());
        HttpClient http = new JdkHttpClientBuilder().build();
        HttpPipeline pipeline;
        switch (config.authentication()) {
            case "default" -> {
                DefaultAzureCredentialBuilder credential = new DefaultAzureCredentialBuilder()
                        .authorityHost(environment.getActiveDirectoryEndpoint());
                config.tenantId().ifPresent(credential::tenantId);
                AzureProfile profile = new AzureProfile(config.tenantId().orElse(null),
                        config.subscriptionId().orElse(null), environment);
                pipeline = authenticated(credential.build(), profile, retry, http);
            }
            case "none" -> pipeline = unauthenticated(http, retry);
            default -> throw new IllegalStateException("unknown cutover.provisioner.azure.authentication '"
                    + config.authentication() + "' (known: default, none)");
        }
        return new AzureClients(pipeline, environment, config.tenantId().orElse(null),
                config.subscriptionId().orElse(null), config.operationTimeout(), config.pollInterval());
    }

    /** Azure's public cloud with another resource manager endpoint (the ARM stand-in's URL). */
    public static AzureEnvironment environment(String resourceManagerEndpoint) {
        String endpoint = resourceManagerEndpoint.endsWith("/") ? resourceManagerEndpoint : resourceManagerEndpoint + "/";
        Map<String, String> endpoints = new java.util.HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", endpoint);
        return new AzureEnvironment(endpoints);
    }

    /** The SDK's retry policy: 429 / 408 / 5xx / no answer, waiting what Retry-After asks, else the backoff. */
    public static RetryPolicy retryPolicy(int maxRetries, Duration delay, Duration maxDelay) {
        return new RetryPolicy(new RetryOptions(new ExponentialBackoffOptions()
                .setMaxRetries(maxRetries).setBaseDelay(delay).setMaxDelay(maxDelay)));
    }

    /** The pipeline the managers' own {@code authenticate(credential, profile)} would build, on our HTTP client. */
    public static HttpPipeline authenticated(TokenCredential credential, AzureProfile profile, RetryPolicy retry,
                                             HttpClient http) {
        return HttpPipelineProvider.buildHttpPipeline(credential, profile, null, new HttpLogOptions(),
                Configuration.getGlobalConfiguration(), retry, List.of(), http);
    }

    /** A pipeline without authentication: only for the ARM stand-in. */
    public static HttpPipeline unauthenticated(HttpClient http, RetryPolicy retry) {
        return new HttpPipelineBuilder()
                .httpClient(http)
                .policies(new UserAgentPolicy("cutover-provisioner"), new RequestIdPolicy(), retry,
                        new AddDatePolicy(), new HttpLoggingPolicy(new HttpLogOptions()))
                .build();
    }

    public AppServiceManager appService(String subscriptionId) {
        return manager("appservice", subscriptionId, AppServiceManager::authenticate);
    }

    public ComputeManager compute(String subscriptionId) {
        return manager("compute", subscriptionId, ComputeManager::authenticate);
    }

    public ResourceManager resources(String subscriptionId) {
        return manager("resources", subscriptionId, (p, profile) -> ResourceManager.authenticate(p, profile)
                .withSubscription(profile.getSubscriptionId()));
    }

    public StorageManager storage(String subscriptionId) {
        return manager("storage", subscriptionId, StorageManager::authenticate);
    }

    public NetworkManager network(String subscriptionId) {
        return manager("network", subscriptionId, NetworkManager::authenticate);
    }

    public MonitorManager monitor(String subscriptionId) {
        return manager("monitor", subscriptionId, MonitorManager::authenticate);
    }

    public MsiManager msi(String subscriptionId) {
        return manager("msi", subscriptionId, MsiManager::authenticate);
    }

    /** The subscription to use: the placement's, else the configured default. */
    public String subscription(String fromPlacement) throws ProvisioningException {
        String subscription = fromPlacement != null && !fromPlacement.isBlank() ? fromPlacement : defaultSubscription;
        if (subscription == null || subscription.isBlank()) {
            throw ProvisioningException.configuration("no Azure subscription: set target.azure.subscription-id or "
                    + "cutover.provisioner.azure.subscription-id");
        }
        return subscription;
    }

    public Duration operationTimeout() {
        return operationTimeout;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    public HttpPipeline pipeline() {
        return pipeline;
    }

    public AzureEnvironment environment() {
        return environment;
    }

    /**
     * Waits for a long-running operation up to {@code operation-timeout}: its result, or a TIMEOUT failure naming
     * {@code what} when it is still running then (ARM keeps running it; the next attempt finds its outcome), or the
     * operation's own failure (classified as {@link ArmFailures} does).
     */
    public <T> T await(SyncPoller<PollResult<T>, T> poller, String what) throws ProvisioningException {
        PollResponse<PollResult<T>> last;
        try {
            last = poller.waitForCompletion(operationTimeout);
        } catch (RuntimeException e) {
            if (isTimeout(e)) {
                throw new ArmException(what + ": still running after " + operationTimeout, e,
                        FailureCause.TIMEOUT, null, null);
            }
            throw ArmFailures.classify(what, e);
        }
        if (last.getStatus() != LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
            if (!last.getStatus().isComplete()) {
                throw new ArmException(what + ": still running after " + operationTimeout, null,
                        FailureCause.TIMEOUT, null, null);
            }
            throw new ArmException(what + ": the operation ended " + last.getStatus(), null,
                    FailureCause.INFRASTRUCTURE, null, null);
        }
        try {
            return poller.getFinalResult();
        } catch (RuntimeException e) {
            throw ArmFailures.classify(what, e);
        }
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private <M> M manager(String kind, String subscriptionId, BiFunction<HttpPipeline, AzureProfile, M> create) {
        String subscription = subscriptionId != null ? subscriptionId : defaultSubscription;
        Objects.requireNonNull(subscription, "subscription");
        return (M) managers.computeIfAbsent(kind + "/" + subscription,
                k -> create.apply(pipeline, new AzureProfile(tenantId, subscription, environment)));
    }
}
