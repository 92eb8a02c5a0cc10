package dev.cutover.orchestrator.replication;

import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;

/**
 * Which partition a target's records are on: the formula of Kafka's default partitioner for a keyed record, so the
 * orchestrator, the agents and every producer (keyed by target key {@code app/env}) agree without asking.
 */
public final class Partitions {

    private Partitions() {
    }

    /** The partition of {@code key} in a topic of {@code partitions} partitions. */
    public static int of(String key, int partitions) {
        if (partitions <= 0) {
            throw new IllegalArgumentException("partitions must be positive: " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
