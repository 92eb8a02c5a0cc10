package dev.cutover.orchestrator.settings;

import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.orchestrator.model.Stage;

import java.time.Duration;

/**
 * How long each stage may run. {@code verify} and {@code monitor} may be null: they then follow the
 * deployment's own health settings (max-wait + grace, monitoring window + grace). {@code analysis} follows the
 * analysis settings (window + every extension + {@code analysisGrace}); {@code approval} the
 * {@code pipeline.approval-timeout-ms} of the configuration; a pause has no deadline. {@code plan} and
 * {@code apply} bound the infrastructure plan and its apply (the provisioner's own cloud deadlines are shorter, so
 * it reports a TIMEOUT first; these catch a provisioner that does not answer at all).
 */
public record StageTimeouts(Duration config, Duration provision, Duration verify, Duration verifyGrace,
                            Duration switchTraffic, Duration monitor, Duration monitorGrace, Duration cleanup,
                            Duration rollback, Duration analysisGrace, Duration plan, Duration apply) {

    /** Planning reads what exists (seconds); applying may create cloud resources (minutes). */
    public static final Duration DEFAULT_PLAN = Duration.ofSeconds(60);
    public static final Duration DEFAULT_APPLY = Duration.ofMinutes(30);

    public static final StageTimeouts DEFAULTS = new StageTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(60),
            null, Duration.ofSeconds(15), Duration.ofSeconds(30), null, Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(60));

    public StageTimeouts(Duration config, Duration provision, Duration verify, Duration verifyGrace,
                         Duration switchTraffic, Duration monitor, Duration monitorGrace, Duration cleanup,
                         Duration rollback) {
        this(config, provision, verify, verifyGrace, switchTraffic, monitor, monitorGrace, cleanup, rollback,
                Duration.ofSeconds(30));
    }

    public StageTimeouts(Duration config, Duration provision, Duration verify, Duration verifyGrace,
                         Duration switchTraffic, Duration monitor, Duration monitorGrace, Duration cleanup,
                         Duration rollback, Duration analysisGrace) {
        this(config, provision, verify, verifyGrace, switchTraffic, monitor, monitorGrace, cleanup, rollback,
                analysisGrace, DEFAULT_PLAN, DEFAULT_APPLY);
    }

    /** The stage's timeout, or null when it has none. */
    public Duration of(String stage, RunSettings settings) {
        HealthSettings health = settings == null ? HealthSettings.DEFAULTS : settings.health();
        RolloutSettings rollout = settings == null ? RolloutSettings.DEFAULTS : settings.rollout();
        return switch (stage) {
            case Stage.CONFIG -> config;
            case Stage.PLAN -> plan;
            case Stage.APPLY -> apply;
            case Stage.REPLAN -> null;
            case Stage.PROVISION -> provision;
            case Stage.VERIFY -> verify != null ? verify : Duration.ofMillis(health.maxWaitMs()).plus(verifyGrace);
            case Stage.SWITCH -> switchTraffic;
            case Stage.MONITOR -> monitor != null ? monitor
                    : Duration.ofMillis(health.monitorWindowMs()).plus(monitorGrace);
            case Stage.ANALYSIS -> {
                AnalysisSpec a = rollout.analysis();
                // the first step's warm-up comes before its window; later steps are given it as slack
                yield Duration.ofMillis(a.warmup() + a.windowMs() + (long) a.maxExtensions() * a.extensionMs())
                        .plus(analysisGrace);
            }
            case Stage.APPROVAL -> Duration.ofMillis(rollout.approvalTimeoutMs());
            case Stage.PAUSE, Stage.RETRY -> null;
            case Stage.CLEANUP, Stage.RELEASE -> cleanup;
            case Stage.ROLLBACK -> rollback;
            // one restore step: provision an old instance, then check it until healthy
            case Stage.RESTORE -> provision == null ? null : provision.plus(verify != null ? verify
                    : Duration.ofMillis(health.maxWaitMs()).plus(verifyGrace));
            default -> throw new IllegalArgumentException("unknown stage " + stage);
        };
    }
}
