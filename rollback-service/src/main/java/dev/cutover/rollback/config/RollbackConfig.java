package dev.cutover.rollback.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "cutover.rollback")
public interface RollbackConfig {

    /** How long a rollback may wait for the provisioner in total before it is declared failed. */
    @WithDefault("60s")
    Duration timeout();

    /** How often pending rollbacks are checked against their deadline (read by RollbackDeadlines' schedule). */
    @WithDefault("1s")
    Duration sweepInterval();
}
