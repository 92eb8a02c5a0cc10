package dev.cutover.healthmonitor.analysis;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** Tuning of canary analysis; thresholds and windows come with each RunAnalysis command. */
@ConfigMapping(prefix = "cutover.analysis")
public interface AnalysisConfig {

    /**
     * Where metrics come from: {@code router} (its admin /metrics, the default) or {@code prometheus}. A command whose
     * metricsUrl is an {@code azure-monitor:} source is read from Azure Monitor whatever this says ({@link #azure()}).
     */
    @WithDefault("router")
    String metricProvider();

    /** Timeout of one metrics read (one scrape, or one PromQL query). */
    @WithDefault("2000")
    long metricsTimeoutMs();

    /** Timeout of one health probe of the canary; never longer than the command's probe interval. */
    @WithDefault("1000")
    long probeTimeoutMs();

    /**
     * A canary p95 within this many ms of the baseline's is not a regression, whatever the ratio: at tens of ms,
     * histogram buckets, GC and scheduling noise on a small window are coarser than 1.2 x (two healthy copies of
     * the same version measured 55 vs 101 ms p95 over 150 requests each on a busy 2-core host).
     */
    @WithDefault("50")
    double latencyMinDifferenceMs();

    /** Threads for analysis timers and HTTP completions; analyses never block them. */
    @WithDefault("2")
    int threads();

    /** How many handled command ids are remembered to ignore redeliveries. */
    @WithDefault("10000")
    int rememberedCommands();

    Prometheus prometheus();

    Azure azure();

    /**
     * Azure Monitor, for Azure App Service targets (their metricsUrl {@code azure-monitor:<site id>?<slot>=<App Service
     * slot>&...}). The subscription is the site id's; the identity needs the Monitoring Reader role on it.
     */
    interface Azure {
        /** Azure Resource Manager's URL; another cloud's, or the ARM stand-in's in tests. */
        @WithDefault("https://management.azure.com/")
        String resourceManagerEndpoint();

        /**
         * {@code default}: DefaultAzureCredential (service principal environment variables, workload identity,
         * managed identity, Azure CLI); {@code none}: no Authorization header (a local stand-in on http://).
         */
        @WithDefault("default")
        Authentication authentication();

        /** The tenant to authenticate in; absent: the credential's own (e.g. AZURE_TENANT_ID). */
        Optional<String> tenantId();

        /** Timeout of one metrics call (one slot's minutes). */
        @WithDefault("5000")
        long timeoutMs();

        enum Authentication {
            DEFAULT, NONE
        }
    }

    /**
     * The {@code prometheus} provider: base URL and PromQL templates ({@code <application>}, {@code <environment>},
     * {@code <slot>}, {@code <window>} seconds). The defaults expect the routers scraped with {@code application}
     * and {@code environment} target labels, as deploy/observability/prometheus.yml does.
     */
    interface Prometheus {
        @WithDefault("http://localhost:9090")
        String url();

        @WithDefault("sum(increase(cutover_router_requests_total{application=\"<application>\",environment=\"<environment>\",backend=\"<slot>\"}[<window>s]))")
        String requestsQuery();

        @WithDefault("sum(increase(cutover_router_errors_total{application=\"<application>\",environment=\"<environment>\",backend=\"<slot>\"}[<window>s]))")
        String errorsQuery();

        /** Must answer seconds. */
        @WithDefault("histogram_quantile(0.95, sum by (le) (rate(cutover_router_request_duration_seconds_bucket{application=\"<application>\",environment=\"<environment>\",backend=\"<slot>\"}[<window>s])))")
        String p95Query();
    }
}
