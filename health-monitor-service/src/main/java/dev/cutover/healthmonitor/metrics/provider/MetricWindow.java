package dev.cutover.healthmonitor.metrics.provider;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A window opened by a {@link MetricProvider}: each read gives every slot's numbers from the start until now. */
public interface MetricWindow {

    /** Keyed by slot; a slot the source knows nothing about reads as {@link SlotMetrics#EMPTY}. */
    CompletableFuture<Map<String, SlotMetrics>> read();
}
