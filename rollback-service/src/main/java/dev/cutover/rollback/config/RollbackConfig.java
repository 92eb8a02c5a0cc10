package dev.cutover.rollback.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;

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

    Gradual gradual();

    /** Defaults of the gradual strategy (a StartRollback may override steps and interval) and its stable watch. */
    interface Gradual {

        /** The failed slot's weight at each step; must strictly decrease to 0. */
        @WithDefault("50,25,0")
        List<Integer> steps();

        /** How long each step is held before the next. */
        @WithDefault("2s")
        Duration stepInterval();

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
