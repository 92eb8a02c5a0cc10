package dev.cutover.orchestrator.settings;

import dev.cutover.orchestrator.model.FailureType;
import dev.cutover.orchestrator.model.Stage;

/**
 * How failures before the switch are retried ({@code recovery.*} in the configuration). {@code maxAttempts} counts
 * the first attempt: 3 means up to two retries; 1 turns retries off. Infrastructure, network and provision-timeout
 * failures wait {@code infrastructureRetryDelayMs}; transient application failures (pre-switch health, verify
 * timeout) wait {@code applicationRetryDelayMs}.
 */
public record RecoveryPolicy(int maxAttempts, long infrastructureRetryDelayMs, long applicationRetryDelayMs) {

    public static final RecoveryPolicy DEFAULTS = new RecoveryPolicy(3, 60_000, 30_000);

    public long delayMs(FailureType type, String stage) {
        return switch (type) {
            case HEALTH_CHECK_FAILURE, APPLICATION_FAILURE -> applicationRetryDelayMs;
            case TIMEOUT -> Stage.VERIFY.equals(stage) ? applicationRetryDelayMs : infrastructureRetryDelayMs;
            default -> infrastructureRetryDelayMs;
        };
    }
}
