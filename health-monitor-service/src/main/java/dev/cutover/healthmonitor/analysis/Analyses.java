package dev.cutover.healthmonitor.analysis;

import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.HealthMonitorEvent.DecisionRecord;
import dev.cutover.events.Command;
import dev.cutover.events.Message;
import dev.cutover.events.Meta;
import dev.cutover.healthmonitor.analysis.AnalysisJudge.Decision;
import dev.cutover.healthmonitor.check.ProbeClient;
import dev.cutover.healthmonitor.check.RunningCommands;
import dev.cutover.healthmonitor.metrics.provider.AzureMonitorSource;
import dev.cutover.healthmonitor.metrics.provider.MetricProvider;
import dev.cutover.healthmonitor.metrics.provider.MetricProviders;
import dev.cutover.healthmonitor.work.WorkRecord;
import dev.cutover.healthmonitor.work.WorkRecord.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The running analyses. A command id seen before is not run again (a decided one answers its recorded verdict
 * again); a new RunAnalysis for the same deployment replaces the running one (a new step), whose verdict is then
 * never reported. Each analysis's work (with its open metric window) is recorded before {@link #submit} returns
 * and resumed by {@link #resume}; see the package documentation for the restart rule.
 */
public class Analyses extends RunningCommands<RunAnalysis, AnalysisRun> {

    private static final Logger LOG = Logger.getLogger(Analyses.class);
    /** Fired-rule label values: the judge's fixed rule names, anything else is "other". */
    private static final Set<String> RULES = Arrays.stream(Rule.values()).map(Rule::wire).collect(Collectors.toSet());

    private final MetricProviders providers;
    private final ProbeClient probes;
    private final MeterRegistry registry;
    private final Consumer<AnalysisCompleted> sink;
    private final double latencyMinDifferenceMs;
    private final long probeTimeoutMs;

    /** Every command's metrics from {@code provider}. */
    public Analyses(MetricProvider provider, ProbeClient probes, ScheduledExecutorService scheduler, MeterRegistry registry,
                    Consumer<AnalysisCompleted> sink, double latencyMinDifferenceMs, long probeTimeoutMs,
                    int rememberedCommands) {
        this(MetricProviders.only(provider), probes, scheduler, registry, sink, latencyMinDifferenceMs, probeTimeoutMs,
                rememberedCommands);
    }

    /** Each command's metrics from the provider {@code providers} gives for its metricsUrl. */
    public Analyses(MetricProviders providers, ProbeClient probes, ScheduledExecutorService scheduler, MeterRegistry registry,
                    Consumer<AnalysisCompleted> sink, double latencyMinDifferenceMs, long probeTimeoutMs,
                    int rememberedCommands) {
        super(scheduler, rememberedCommands);
        this.providers = providers;
        this.probes = probes;
        this.registry = registry;
        this.sink = sink;
        this.latencyMinDifferenceMs = latencyMinDifferenceMs;
        this.probeTimeoutMs = probeTimeoutMs;
        Gauge.builder("cutover.healthmonitor.analyses.running", this, Analyses::runningCount)
                .description("Canary analyses in progress").register(registry);
    }

    @Override
    protected List<String> problems(RunAnalysis command) {
        return problemsOf(command);
    }

    @Override
    protected AnalysisRun newRun(RunAnalysis command, String key, WorkRecord work) {
        return new AnalysisRun(command, providers.forMetricsUrl(command.metricsUrl()), probes, scheduler, System::nanoTime,
                latencyMinDifferenceMs, probeTimeoutMs, (decision, durationMs) -> done(key, command, decision, durationMs),
                work.startedAt(), work.window(), clock,
                window -> recordQuietly(command, work.withWindow(window, window.phase() == Phase.WARMUP
                        ? window.start().plusMillis(command.spec().warmup() + command.spec().windowMs())
                        : window.start().plusMillis(command.spec().windowMs()))));
    }

    /** The window's end before any extension: after the warm-up (if any) and the window. */
    @Override
    protected Instant deadline(RunAnalysis command, Instant startedAt) {
        return startedAt.plusMillis(command.spec().warmup() + command.spec().windowMs());
    }

    @Override
    protected void publish(Message verdict) {
        sink.accept((AnalysisCompleted) verdict);
    }

    @Override
    protected boolean handles(Command message) {
        return message instanceof RunAnalysis;
    }

    @Override
    protected void starting(RunAnalysis command, AnalysisRun replaced, boolean resumed) {
        if (resumed) {
            LOG.infof("Resuming the analysis (step %d) of deployment %s target %s from the work log", command.step(),
                    command.meta().deploymentId(), command.target());
        }
        if (replaced != null) {
            LOG.infof("Replacing the running analysis (step %d) of deployment %s target %s", replaced.command().step(),
                    command.meta().deploymentId(), command.target());
        }
        AnalysisSpec spec = command.spec();
        LOG.infof("Starting analysis of deployment %s target %s step %d: canary %s (weight %d) vs baseline %s, window %d ms,"
                        + " probe every %d ms, metrics from %s", command.meta().deploymentId(), command.target(), command.step(),
                command.canarySlot(), command.canaryWeight(), command.baselineSlot(), spec.windowMs(), spec.probeIntervalMs(),
                providers.forMetricsUrl(command.metricsUrl()).name());
    }

    private void done(String key, RunAnalysis command, Decision decision, long durationMs) {
        String verdict = decision.verdict().name();
        String rule = decision.record().firedRule() == null ? "none"
                : RULES.contains(decision.record().firedRule()) ? decision.record().firedRule() : "other";
        String provider = providers.forMetricsUrl(command.metricsUrl()).name();
        Counter.builder("cutover.healthmonitor.analyses")
                .description("Finished canary analyses by verdict, deciding rule and metric provider")
                .tag("verdict", verdict).tag("rule", rule).tag("provider", provider).register(registry).increment();
        Timer.builder("cutover.healthmonitor.analysis.duration").description("How long canary analyses took to decide")
                .tag("verdict", verdict).register(registry).record(durationMs, TimeUnit.MILLISECONDS);
        LOG.infof("Analysis of deployment %s target %s step %d (canary %s vs %s, metrics from %s): %s%s in %d ms - %s",
                command.meta().deploymentId(), command.target(), command.step(), command.canarySlot(), command.baselineSlot(),
                provider, verdict, decision.record().firedRule() == null ? "" : " by " + decision.record().firedRule(),
                durationMs, decision.record().summary());
        DecisionRecord r = decision.record();
        DecisionRecord named = new DecisionRecord(r.canary(), r.baseline(), r.rules(), r.firedRule(), r.summary(),
                r.windowMs(), r.extensions(), r.policyApplied(), provider);
        completed(key, command, new AnalysisCompleted(Meta.causedBy(command.meta()), command.target(),
                command.canarySlot(), command.step(), decision.verdict(), named));
    }

    @Override
    protected String key(RunAnalysis command) {
        return command.meta().deploymentId() != null ? command.meta().deploymentId() : command.target().key();
    }

    /** What is wrong with an analysis request, empty when it can run. */
    public static List<String> problemsOf(RunAnalysis c) {
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
        if (AzureMonitorSource.isAzureMonitor(c.metricsUrl())) {
            problems.addAll(azureMonitorProblems(c));
        } else if (!httpUrl(c.metricsUrl())) {
            problems.add("metricsUrl must be an absolute http(s) URL or an " + AzureMonitorSource.SCHEME + " source");
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

    /** An Azure Monitor source must parse and name an App Service slot for both sides. */
    private static List<String> azureMonitorProblems(RunAnalysis c) {
        AzureMonitorSource source;
        try {
            source = AzureMonitorSource.parse(c.metricsUrl());
        } catch (IllegalArgumentException e) {
            return List.of("metricsUrl is not a valid " + AzureMonitorSource.SCHEME + " source: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (String slot : new String[] {c.canarySlot(), c.baselineSlot()}) {
            if (!blank(slot) && source.resourceId(slot).isEmpty()) {
                problems.add("metricsUrl names no App Service slot for slot " + slot);
            }
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
