package dev.cutover.rollback.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "cutover.rollback")
public interface RollbackConfig {

    /**
     * How long a rollback may wait for the provisioner in total before it is declared failed. A gradual
     * rollback gets its planned step intervals on top.
     */
    @WithDefault("60s")
    Duration timeout();

    /** How often pending rollbacks are checked against their deadline (read by RollbackDeadlines' schedule). */
    @WithDefault("1s")
    Duration sweepInterval();

    /**
     * How long a {@code manual} rollback waits for the operator's decision (a StartRollback that replaces it,
     * or a CancelRollback) before it is declared failed. Not the provisioner {@link #timeout()}: an operator may
     * take hours.
     */
    @WithDefault("24h")
    Duration manualWait();

    Gradual gradual();

    /**
     * The gradual strategy's stable watch. Its steps and step interval are not defaults of this service: every
     * gradual StartRollback names them (the orchestrator's {@code rollback.step-interval-ms} is the one default).
     */
    interface Gradual {

        /** Pause between two probes of the stable slot's /health during a step interval. */
        @WithDefault("250ms")
        Duration probeInterval();

        /**
         * How long one probe may take (connect and answer) before it counts as failed: short, yet long enough
         * that a busy but healthy stable is not taken for a broken one.
         */
        @WithDefault("1s")
        Duration probeTimeout();

        /** Failed probes in a row that halt the rollback. */
        @WithDefault("2")
        int failuresToHalt();
    }
}
