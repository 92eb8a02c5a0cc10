package dev.cutover.healthmonitor.work;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The durable work log ({@code cutover.healthmonitor.commands.work}). */
@ConfigMapping(prefix = "cutover.health-monitor.work")
public interface WorkConfig {

    /** How long one write, read or the topic set-up may take. */
    @WithDefault("10s")
    Duration timeout();

    /** How long decided work (with its verdict, to answer a re-sent command) is kept before it is pruned. */
    @WithDefault("1h")
    Duration doneRetention();

    /** How often decided work older than the retention is pruned. */
    @WithDefault("5m")
    Duration pruneInterval();

    /** Replication factor of the work topic when it is created. */
    @WithDefault("1")
    int replicationFactor();
}
