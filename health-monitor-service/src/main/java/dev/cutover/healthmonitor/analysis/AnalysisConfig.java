package dev.cutover.healthmonitor.analysis;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Tuning of canary analysis; thresholds and windows come with each RunAnalysis command. */
@ConfigMapping(prefix = "cutover.analysis")
public interface AnalysisConfig {

    /** Where metrics come from: {@code router} (its admin /metrics, the default) or {@code prometheus}. */
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
