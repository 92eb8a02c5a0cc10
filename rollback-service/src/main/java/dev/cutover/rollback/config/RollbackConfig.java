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

    /**
     * How long a provisioner command may go unanswered before it is sent again (same messageId; the provisioner is
     * idempotent), until the rollback's deadline.
     */
    @WithDefault("15s")
    Duration resendAfter();

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

    Work work();

    /** The work log {@code cutover.rollback.commands.work}, where every rollback is recorded as it goes. */
    interface Work {

        /** How long a write or a read of the work log (and setting its topic up) may take. */
        @WithDefault("10s")
        Duration timeout();

        /** Replication factor of the work topic when this service creates it. */
        @WithDefault("1")
        short replicationFactor();

        /**
         * How long an ended rollback's record is kept, so that a repeated StartRollback (same messageId) is answered
         * with the same outcome instead of rolling back again; then it is deleted.
         */
        @WithDefault("24h")
        Duration doneRetention();
    }

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
