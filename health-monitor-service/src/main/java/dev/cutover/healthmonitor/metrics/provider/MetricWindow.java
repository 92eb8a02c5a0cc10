package dev.cutover.healthmonitor.metrics.provider;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A window opened by a {@link MetricProvider}: each read gives every slot's numbers from the start until now. */
public interface MetricWindow {

    /** Keyed by slot; a slot the source knows nothing about reads as {@link SlotMetrics#EMPTY}. */
    CompletableFuture<Map<String, SlotMetrics>> read();

    /**
     * What {@link MetricProvider#resume} needs to go on with this window after a restart (its start as the source
     * counted it, e.g. the router's cumulative counters when it opened), as text; null when the provider cannot
     * resume a window (a resumed analysis then opens a fresh one).
     */
    default String checkpoint() {
        return null;
    }
}
