package dev.cutover.events.kafka;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetLanesTest {

    private final TargetLanes lanes = new TargetLanes("test-lane");

    @Test
    void commandsOfOneTargetRunInOrderAndAFailureDoesNotBlockTheLane() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> last = null;
        for (int i = 0; i < 50; i++) {
            int n = i;
            last = lanes.submit("shop/prod", () -> {
                seen.add(n);
                if (n == 10) {
                    throw new IllegalStateException("boom");
                }
            });
        }
        last.get(10, TimeUnit.SECONDS);
        assertEquals(IntStream.range(0, 50).boxed().toList(), seen);
    }

    @Test
    void aSlowTargetDoesNotHoldUpAnother() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> slow = lanes.submit("slow/prod", () -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        lanes.submit("fast/prod", () -> { }).get(5, TimeUnit.SECONDS);
        assertTrue(!slow.isDone());
        release.countDown();
        slow.get(5, TimeUnit.SECONDS);
    }
}
