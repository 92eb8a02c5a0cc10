package dev.cutover.healthmonitor.metrics.provider;

/**
 * How low a quantile could really be, given only n requests: the distribution-free lower confidence bound of
 * the q-quantile is the k-th smallest of n observations for the largest k with P(Binomial(n, q) >= k) >= the
 * confidence. With 14 requests the 95 % bound of the p95 is the 12th smallest - one stray slow request (a GC
 * pause, a busy host) cannot make a canary's p95 look worse, while a canary slow on every request still is.
 */
public final class QuantileBound {

    /** Above this the normal approximation of the binomial is exact enough and q^n would underflow. */
    private static final long EXACT_UP_TO = 5000;
    /** One-sided 95 %. */
    private static final double Z_95 = 1.6448536269514722;

    private QuantileBound() {
    }

    /** The rank k (1..n) of the order statistic that bounds the q-quantile from below with 95 % confidence. */
    public static long lowerRank(long n, double q) {
        if (n <= 0) {
            throw new IllegalArgumentException("no observations");
        }
        if (n > EXACT_UP_TO) {
            return Math.max(1, (long) Math.floor(n * q - Z_95 * Math.sqrt(n * q * (1 - q))));
        }
        double pmf = Math.pow(q, n); // P(Binomial = n)
        double tail = 0;
        for (long k = n; k >= 1; k--) {
            tail += pmf;
            if (tail >= 0.95 - 1e-12) {
                return k;
            }
            pmf *= (double) k / (n - k + 1) * (1 - q) / q; // P(Binomial = k - 1)
        }
        return 1;
    }
}
