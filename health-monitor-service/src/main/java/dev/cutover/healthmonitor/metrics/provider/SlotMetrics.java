package dev.cutover.healthmonitor.metrics.provider;

/**
 * One slot's numbers over a window. {@code p95Ms} is NaN when there is no latency data (no requests, or the
 * source has no histogram for the slot): "unknown" must stay apart from any real value. {@code p95LowMs} is how
 * low the p95 could really be given the sample size (see {@link QuantileBound}); a source that cannot tell gives
 * the p95 itself.
 */
public record SlotMetrics(long requests, long errors, double p95Ms, double p95LowMs) {

    public static final SlotMetrics EMPTY = new SlotMetrics(0, 0, Double.NaN);

    /** Without a confidence bound: the p95 stands for itself. */
    public SlotMetrics(long requests, long errors, double p95Ms) {
        this(requests, errors, p95Ms, p95Ms);
    }

    public SlotMetrics {
        if (requests < 0 || errors < 0) {
            throw new IllegalArgumentException("counts cannot be negative: requests=" + requests + " errors=" + errors);
        }
    }
}
