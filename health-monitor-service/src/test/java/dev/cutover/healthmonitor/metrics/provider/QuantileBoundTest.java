package dev.cutover.healthmonitor.metrics.provider;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantileBoundTest {

    /** Ranks from the exact binomial tail (checked independently with Python's math.comb). */
    @ParameterizedTest(name = "n={0} -> k={1}")
    @CsvSource({"1, 1", "2, 1", "14, 12", "20, 17", "60, 54", "100, 91", "300, 279", "1000, 938"})
    void lowerRankOfTheP95(long n, long k) {
        assertEquals(k, QuantileBound.lowerRank(n, 0.95));
    }

    @Test
    void theNormalApproximationTakesOverSmoothly() {
        long exact = QuantileBound.lowerRank(5000, 0.95);
        long approx = QuantileBound.lowerRank(5001, 0.95);
        assertTrue(Math.abs(approx - exact) <= 2, exact + " vs " + approx);
        assertTrue(QuantileBound.lowerRank(1_000_000, 0.95) > 949_000);
    }

    @Test
    void noObservationsHaveNoBound() {
        assertThrows(IllegalArgumentException.class, () -> QuantileBound.lowerRank(0, 0.95));
    }
}
