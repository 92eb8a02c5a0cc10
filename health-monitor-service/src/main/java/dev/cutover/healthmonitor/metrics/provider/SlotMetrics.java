package dev.cutover.healthmonitor.metrics.provider;

/**
 * One slot's numbers over a window. {@code p95Ms} is NaN when there is no latency data (no requests, or the
 * source has no histogram for the slot): "unknown" must stay apart from any real value.
 */
public record SlotMetrics(long requests, long errors, double p95Ms) {

    public static final SlotMetrics EMPTY = new SlotMetrics(0, 0, Double.NaN);

    public SlotMetrics {
        if (requests < 0 || errors < 0) {
            throw new IllegalArgumentException("counts cannot be negative: requests=" + requests + " errors=" + errors);
        }
    }
}
