package dev.cutover.healthmonitor.analysis;

import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.InvalidMessageException;
import dev.cutover.events.Meta;
import dev.cutover.healthmonitor.analysis.AnalysisJudge.Decision;
import dev.cutover.healthmonitor.check.ProbeClient;
import dev.cutover.healthmonitor.metrics.provider.MetricProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jboss.logging.Logger;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The running analyses. A command id seen before (running or done) is ignored; a new RunAnalysis for the same
 * deployment replaces the running one (a new step, or the orchestrator re-sending after a restart), whose verdict
 * is then never reported.
 */
public class Analyses {

    private static final Logger LOG = Logger.getLogger(Analyses.class);
    /** Fired-rule label values: the judge's fixed rule names, anything else is "other". */
    private static final Set<String> RULES = Set.of(AnalysisJudge.HEALTH, AnalysisJudge.MIN_SAMPLES, AnalysisJudge.BASELINE,
            AnalysisJudge.ERROR_RATE_ABSOLUTE, AnalysisJudge.P95_ABSOLUTE, AnalysisJudge.ERROR_RATE_RELATIVE,
            AnalysisJudge.P95_RELATIVE, AnalysisJudge.THROUGHPUT_RELATIVE, AnalysisJudge.METRICS);

    private final MetricProvider provider;
    private final ProbeClient probes;
    private final ScheduledExecutorService scheduler;
    private final MeterRegistry registry;
    private final Consumer<AnalysisCompleted> sink;
    private final double latencyMinDifferenceMs;
    private final long probeTimeoutMs;
    private final Map<String, AnalysisRun> running = new HashMap<>();
    private final Map<String, Boolean> seen;

    public Analyses(MetricProvider provider, ProbeClient probes, ScheduledExecutorService scheduler, MeterRegistry registry,
                    Consumer<AnalysisCompleted> sink, double latencyMinDifferenceMs, long probeTimeoutMs,
                    int rememberedCommands) {
        this.provider = provider;
        this.probes = probes;
        this.scheduler = scheduler;
        this.registry = registry;
        this.sink = sink;
        this.latencyMinDifferenceMs = latencyMinDifferenceMs;
        this.probeTimeoutMs = probeTimeoutMs;
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > rememberedCommands;
            }
        };
        Gauge.builder("cutover.healthmonitor.analyses.running", this, Analyses::runningCount)
                .description("Canary analyses in progress").register(registry);
    }

    /**
     * Starts the analysis unless this command was seen before; returns whether it started. Throws
     * {@link InvalidMessageException} for a command that cannot run (it goes to the dead-letter topic).
     */
    public synchronized boolean submit(RunAnalysis command) {
        List<String> problems = problems(command);
        if (!problems.isEmpty()) {
            throw new InvalidMessageException("invalid dev.cutover.healthmonitor.run-analysis.v1: " + String.join("; ", problems));
        }
        if (seen.containsKey(command.meta().messageId())) {
            LOG.debugf("Ignoring redelivered command %s", command.meta().messageId());
            return false;
        }
        seen.put(command.meta().messageId(), Boolean.TRUE);
        String key = key(command);
        AnalysisRun previous = running.remove(key);
        if (previous != null && !previous.finished()) {
            previous.cancel();
            LOG.infof("Replacing the running analysis (step %d) of deployment %s target %s", previous.command().step(),
                    command.meta().deploymentId(), command.target());
        }
        AnalysisRun run = new AnalysisRun(command, provider, probes, scheduler, System::nanoTime, latencyMinDifferenceMs,
                probeTimeoutMs, (decision, durationMs) -> done(key, command, decision, durationMs));
        running.put(key, run);
        AnalysisSpec spec = command.spec();
        LOG.infof("Starting analysis of deployment %s target %s step %d: canary %s (weight %d) vs baseline %s, window %d ms,"
                        + " probe every %d ms, metrics from %s", command.meta().deploymentId(), command.target(), command.step(),
                command.canarySlot(), command.canaryWeight(), command.baselineSlot(), spec.windowMs(), spec.probeIntervalMs(),
                provider.name());
        run.start();
        return true;
    }

    public synchronized int runningCount() {
        return running.size();
    }

    /** Stops every analysis without reporting (shutdown). */
    public synchronized void cancelAll() {
        running.values().forEach(AnalysisRun::cancel);
        running.clear();
    }

    private void done(String key, RunAnalysis command, Decision decision, long durationMs) {
        synchronized (this) {
            AnalysisRun current = running.get(key);
            if (current != null && current.command() == command) {
                running.remove(key);
            }
        }
        String verdict = decision.verdict().name();
        String rule = decision.record().firedRule() == null ? "none"
                : RULES.contains(decision.record().firedRule()) ? decision.record().firedRule() : "other";
        Counter.builder("cutover.healthmonitor.analyses").description("Finished canary analyses by verdict and deciding rule")
                .tag("verdict", verdict).tag("rule", rule).register(registry).increment();
        Timer.builder("cutover.healthmonitor.analysis.duration").description("How long canary analyses took to decide")
                .tag("verdict", verdict).register(registry).record(durationMs, TimeUnit.MILLISECONDS);
        LOG.infof("Analysis of deployment %s target %s step %d (canary %s vs %s): %s%s in %d ms - %s",
                command.meta().deploymentId(), command.target(), command.step(), command.canarySlot(), command.baselineSlot(),
                verdict, decision.record().firedRule() == null ? "" : " by " + decision.record().firedRule(), durationMs,
                decision.record().summary());
        sink.accept(new AnalysisCompleted(Meta.causedBy(command.meta()), command.target(), command.canarySlot(),
                command.step(), decision.verdict(), decision.record()));
    }

    private static String key(RunAnalysis command) {
        return command.meta().deploymentId() != null ? command.meta().deploymentId() : command.target().key();
    }

    /** What is wrong with an analysis request, empty when it can run. */
    public static List<String> problems(RunAnalysis c) {
        List<String> problems = new ArrayList<>();
        if (c.target() == null) {
            problems.add("target is required");
        }
        if (blank(c.canarySlot()) || blank(c.baselineSlot())) {
            problems.add("canarySlot and baselineSlot are required");
        } else if (c.canarySlot().equals(c.baselineSlot())) {
            problems.add("canarySlot and baselineSlot must differ");
        }
        if (c.canaryWeight() < 0 || c.canaryWeight() > 100) {
            problems.add("canaryWeight must be between 0 and 100");
        }
        if (!httpUrl(c.metricsUrl())) {
            problems.add("metricsUrl must be an absolute http(s) URL");
        }
        if (c.canaryUrl() != null && !httpUrl(c.canaryUrl())) {
            problems.add("canaryUrl must be an absolute http(s) URL");
        }
        AnalysisSpec s = c.spec();
        if (s == null) {
            problems.add("spec is required");
            return problems;
        }
        if (s.windowMs() <= 0) {
            problems.add("spec.windowMs must be positive");
        }
        if (s.probeIntervalMs() <= 0) {
            problems.add("spec.probeIntervalMs must be positive");
        }
        if (s.minSamples() < 0) {
            problems.add("spec.minSamples must not be negative");
        }
        if (s.maxExtensions() < 0) {
            problems.add("spec.maxExtensions must not be negative");
        }
        if (s.maxExtensions() > 0 && s.extensionMs() <= 0) {
            problems.add("spec.extensionMs must be positive when spec.maxExtensions > 0");
        }
        if (s.insufficientDataPolicy() == null) {
            problems.add("spec.insufficientDataPolicy is required");
        }
        if (!(s.maxErrorRateRatio() > 0) || !(s.maxLatencyRatio() > 0) || !(s.minThroughputRatio() >= 0)) {
            problems.add("spec.maxErrorRateRatio and spec.maxLatencyRatio must be positive, spec.minThroughputRatio not negative");
        }
        if (!(s.maxErrorRate() >= 0 && s.maxErrorRate() <= 1)) {
            problems.add("spec.maxErrorRate must be between 0 and 1");
        }
        if (!(s.maxP95Ms() > 0)) {
            problems.add("spec.maxP95Ms must be positive");
        }
        if (s.healthPaths() != null && !s.healthPaths().stream().allMatch(p -> p != null && p.startsWith("/"))) {
            problems.add("spec.healthPaths must be paths starting with '/'");
        }
        if (s.healthPaths() != null && !s.healthPaths().isEmpty() && c.canaryUrl() != null && s.healthFailureThreshold() < 1) {
            problems.add("spec.healthFailureThreshold must be at least 1");
        }
        return problems;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static boolean httpUrl(String url) {
        try {
            URI uri = URI.create(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }
}
