package dev.cutover.orchestrator.deployment;

import java.time.Duration;

/**
 * How long each stage may run. {@code verify} and {@code monitor} may be null: they then follow the
 * deployment's own health settings (max-wait + grace, monitoring window + grace).
 */
public record StageTimeouts(Duration config, Duration provision, Duration verify, Duration verifyGrace,
                            Duration switchTraffic, Duration monitor, Duration monitorGrace, Duration cleanup,
                            Duration rollback) {

    public static final StageTimeouts DEFAULTS = new StageTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(60),
            null, Duration.ofSeconds(15), Duration.ofSeconds(30), null, Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(60));

    public Duration of(String stage, RunSettings settings) {
        HealthSettings health = settings == null ? HealthSettings.DEFAULTS : settings.health();
        return switch (stage) {
            case Stage.CONFIG -> config;
            case Stage.PROVISION -> provision;
            case Stage.VERIFY -> verify != null ? verify : Duration.ofMillis(health.maxWaitMs()).plus(verifyGrace);
            case Stage.SWITCH -> switchTraffic;
            case Stage.MONITOR -> monitor != null ? monitor
                    : Duration.ofMillis(health.monitorWindowMs()).plus(monitorGrace);
            case Stage.CLEANUP -> cleanup;
            case Stage.ROLLBACK -> rollback;
            default -> throw new IllegalArgumentException("unknown stage " + stage);
        };
    }
}
