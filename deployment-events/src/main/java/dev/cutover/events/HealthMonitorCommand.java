package dev.cutover.events;

import java.util.List;

/** Commands for the health-monitor-service, on {@link Topics#HEALTH_MONITOR_COMMANDS}. */
@OnTopic(Topics.HEALTH_MONITOR_COMMANDS)
public sealed interface HealthMonitorCommand extends Command {

    /**
     * Probe {@code spec.paths} of {@code baseUrl} in parallel, each with a timeout.
     * {@link CheckMode#UNTIL_HEALTHY}: pass after {@code consecutiveSuccesses} rounds in a row, fail
     * when {@code maxWaitMs} runs out. {@link CheckMode#WATCH}: keep probing for {@code windowMs}, fail
     * at {@code failureThreshold} failed rounds in a row, pass when the window ends.
     */
    @TypeName("dev.cutover.healthmonitor.run-health-check.v1")
    record RunHealthCheck(Meta meta, Target target, String slot, String baseUrl, String phase, CheckMode mode,
                          HealthCheckSpec spec) implements HealthMonitorCommand {
    }

    /**
     * Canary-vs-baseline analysis of one canary step: compare the canary slot with the baseline slot
     * (the stable version serving the rest of the traffic) over {@code spec.windowMs}, using the
     * metrics at {@code metricsUrl} (the router's admin URL for the router provider). Absolute
     * triggers (error rate, p95, failed health of {@code canaryUrl}) are checked every
     * {@code spec.probeIntervalMs} and end the analysis early.
     */
    @TypeName("dev.cutover.healthmonitor.run-analysis.v1")
    record RunAnalysis(Meta meta, Target target, String canarySlot, String baselineSlot, int step, int canaryWeight,
                       String metricsUrl, @OptionalField String canaryUrl, AnalysisSpec spec)
            implements HealthMonitorCommand {
    }

    /**
     * Thresholds and sampling rules. Relative: canary error rate at most {@code maxErrorRateRatio} x
     * baseline, p95 at most {@code maxLatencyRatio} x baseline, throughput per unit of traffic weight at
     * least {@code minThroughputRatio} x baseline. Absolute: error rate above {@code maxErrorRate} or p95
     * above {@code maxP95Ms} fails. Fewer than {@code minSamples} requests on either side extends the
     * window by {@code extensionMs}, at most {@code maxExtensions} times; then
     * {@code insufficientDataPolicy} decides. {@code warmupMs} (absent: none) comes before the window: a freshly
     * started canary (cold JVM, empty caches) is watched by the health probes and absolute triggers only, and the
     * relative comparison counts just the requests after it.
     */
    record AnalysisSpec(long windowMs, long probeIntervalMs, long minSamples, int maxExtensions, long extensionMs,
                        InsufficientDataPolicy insufficientDataPolicy, double maxErrorRateRatio,
                        double maxLatencyRatio, double minThroughputRatio, double maxErrorRate, double maxP95Ms,
                        @OptionalField List<String> healthPaths, int healthFailureThreshold,
                        @OptionalField Long warmupMs) {

        /** Without a warm-up. */
        public AnalysisSpec(long windowMs, long probeIntervalMs, long minSamples, int maxExtensions, long extensionMs,
                            InsufficientDataPolicy insufficientDataPolicy, double maxErrorRateRatio,
                            double maxLatencyRatio, double minThroughputRatio, double maxErrorRate, double maxP95Ms,
                            List<String> healthPaths, int healthFailureThreshold) {
            this(windowMs, probeIntervalMs, minSamples, maxExtensions, extensionMs, insufficientDataPolicy,
                    maxErrorRateRatio, maxLatencyRatio, minThroughputRatio, maxErrorRate, maxP95Ms, healthPaths,
                    healthFailureThreshold, null);
        }

        /** The warm-up in ms, 0 when absent. */
        public long warmup() {
            return warmupMs == null ? 0 : warmupMs;
        }

        public AnalysisSpec withWarmupMs(long warmup) {
            return new AnalysisSpec(windowMs, probeIntervalMs, minSamples, maxExtensions, extensionMs,
                    insufficientDataPolicy, maxErrorRateRatio, maxLatencyRatio, minThroughputRatio, maxErrorRate,
                    maxP95Ms, healthPaths, healthFailureThreshold, warmup);
        }
    }

    enum InsufficientDataPolicy { FAIL, PAUSE, PASS }

    enum CheckMode { UNTIL_HEALTHY, WATCH }

    record HealthCheckSpec(List<String> paths, long timeoutMs, long intervalMs, int consecutiveSuccesses,
                           long maxWaitMs, long windowMs, int failureThreshold) {
    }
}
