package dev.cutover.orchestrator.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstIsAllowedThenTheRateWithRetryAfter() {
        TokenBucket bucket = new TokenBucket(2, 3, 0);
        assertEquals(0, bucket.take(0));
        assertEquals(0, bucket.take(0));
        assertEquals(0, bucket.take(0));
        assertEquals(1, bucket.take(0)); // half a second to the next token: rounded up to whole seconds
        assertEquals(1, bucket.take(SECOND / 4));
        assertEquals(0, bucket.take(SECOND / 2));
        assertEquals(1, bucket.take(SECOND / 2));
        // two seconds later: refilled at 2/s, capped at the burst
        for (int i = 0; i < 3; i++) {
            assertEquals(0, bucket.take(3 * SECOND));
        }
        assertEquals(1, bucket.take(3 * SECOND));
    }

    @Test
    void aSlowRateAsksForALongerWait() {
        TokenBucket bucket = new TokenBucket(0.1, 1, 0);
        assertEquals(0, bucket.take(0));
        assertEquals(10, bucket.take(0));
        assertEquals(5, bucket.take(5 * SECOND));
        assertEquals(0, bucket.take(10 * SECOND));
    }

    @Test
    void fullOnceRefilled() {
        TokenBucket bucket = new TokenBucket(1, 2, 0);
        assertTrue(bucket.full(0));
        bucket.take(0);
        assertFalse(bucket.full(0));
        assertTrue(bucket.full(SECOND));
    }

    @Test
    void aLimitThatAllowsNothingIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0, 0));
    }
}
