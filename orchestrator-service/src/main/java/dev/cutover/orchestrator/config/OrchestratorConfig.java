package dev.cutover.orchestrator.config;

import dev.cutover.orchestrator.settings.StageTimeouts;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "cutover.orchestrator")
public interface OrchestratorConfig {

    /** Compacted topic with the latest snapshot of every deployment (the system of record). */
    @WithDefault("cutover.orchestrator.deployments")
    String stateTopic();

    @WithDefault("1")
    int stateTopicPartitions();

    @WithDefault("1")
    short stateTopicReplicationFactor();

    /** How long to wait for the broker to acknowledge a snapshot or a published message. */
    @WithDefault("15s")
    Duration kafkaTimeout();

    /** How long a REST call waits for the state to be loaded at start-up before answering 503. */
    @WithDefault("30s")
    Duration readyTimeout();

    /**
     * After a (re)start, deadlines are enforced only after this long, so that agent events published while
     * the orchestrator was down are consumed before a stage is declared timed out. Longer than the consumers'
     * session timeout (10s), which is how long a killed instance keeps its partitions.
     */
    @WithDefault("15s")
    Duration resumeGrace();

    /** How often stage deadlines are checked (read by the @Scheduled tick). */
    @WithDefault("1s")
    Duration tickEvery();

    Timeouts timeouts();

    /** Asking again: the command a stage waits for is re-sent (same messageId) while its reply is overdue. */
    Resend resend();

    interface Resend {

        /** How often, spread evenly over the stage's time before its deadline; 0 never. */
        @WithDefault("2")
        int attempts();
    }

    /** The per-client limit on state-changing REST calls (see {@code api.RateLimit}). */
    RateLimit rateLimit();

    interface RateLimit {

        /** Tokens a client regains per second: its sustained rate of POSTs. */
        @WithDefault("20")
        double requestsPerSecond();

        /** The most tokens a client holds: how many POSTs it may make at once after a quiet spell. */
        @WithDefault("40")
        int burst();
    }

    interface Timeouts {
        @WithDefault("30s")
        Duration config();

        @WithDefault("60s")
        Duration provision();

        /** Default: the deployment's health max-wait-ms + verify-grace. */
        Optional<Duration> verify();

        @WithDefault("15s")
        Duration verifyGrace();

        @WithName("switch")
        @WithDefault("30s")
        Duration switchTraffic();

        /** Default: the deployment's health monitor-window-ms + monitor-grace. */
        Optional<Duration> monitor();

        @WithDefault("30s")
        Duration monitorGrace();

        @WithDefault("60s")
        Duration cleanup();

        @WithDefault("60s")
        Duration rollback();

        /** Added to an analysis' longest possible window (window + every extension) for its stage timeout. */
        @WithDefault("30s")
        Duration analysisGrace();

        /** PlanInfrastructure → InfrastructurePlanned. */
        @WithDefault("60s")
        Duration plan();

        /** ApplyInfrastructure → InfrastructureApplied (cloud resources may take minutes). */
        @WithDefault("30m")
        Duration apply();

        default StageTimeouts toStageTimeouts() {
            return new StageTimeouts(config(), provision(), verify().orElse(null), verifyGrace(), switchTraffic(),
                    monitor().orElse(null), monitorGrace(), cleanup(), rollback(), analysisGrace(), plan(), apply());
        }
    }
}
