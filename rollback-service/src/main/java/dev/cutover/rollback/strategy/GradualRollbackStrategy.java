package dev.cutover.rollback.strategy;

import dev.cutover.events.RollbackCommand.StartRollback;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Traffic back in steps: the failed slot's weight goes through {@link StartRollback#steps()} (e.g. 50, 25,
 * 0), each held for {@link StartRollback#stepIntervalMs()} while the stable slot's /health is watched, then
 * the failed slot is stopped. Capacity-safe because the stable slot was never stopped: it runs at full
 * capacity before the first step gives it any traffic back, so each step only moves load onto a slot that
 * could already carry all of it; the watch is there for a stable that breaks anyway.
 *
 * <p>Steps and interval have no defaults here: the orchestrator always sends both (its
 * {@code rollback.step-interval-ms} is the one default), so a command without them is rejected.
 */
@ApplicationScoped
public class GradualRollbackStrategy extends OnePairRollbackStrategy {

    public GradualRollbackStrategy() {
        super(GRADUAL);
    }

    @Override
    protected List<RollbackStep> planPair(StartRollback command) {
        List<Integer> weights = command.steps();
        if (weights == null) {
            throw new IllegalArgumentException("steps are required (the failed slot's weight at each step, e.g. [50, 25, 0])");
        }
        checkSteps(weights);
        if (command.stepIntervalMs() == null) {
            throw new IllegalArgumentException("stepIntervalMs is required (how long each step is held)");
        }
        Duration interval = Duration.ofMillis(command.stepIntervalMs());
        if (interval.isNegative()) {
            throw new IllegalArgumentException("stepIntervalMs must not be negative, got " + command.stepIntervalMs());
        }
        String healthUrl = healthUrl(command.stableHealthUrl());

        List<RollbackStep> plan = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            int failed = weights.get(i);
            Map<String, Integer> shift = new LinkedHashMap<>();
            shift.put(command.stableSlot(), 100 - failed);
            shift.put(command.failedSlot(), failed);
            plan.add(new RollbackStep.Shift(shift, i + 1));
            if (failed > 0) { // after the last (0) step there is no traffic left to move: no pause
                plan.add(new RollbackStep.Pause(i + 1, interval, healthUrl));
            }
        }
        plan.add(new RollbackStep.Release(command.failedSlot()));
        return plan;
    }

    private static void checkSteps(List<Integer> weights) {
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("steps must not be empty (the last step must be 0)");
        }
        Integer previous = null;
        for (Integer w : weights) {
            if (w == null || w < 0 || w > 100) {
                throw new IllegalArgumentException("steps " + weights + ": every step must be a weight from 0 to 100");
            }
            if (previous != null && w >= previous) {
                // a rollback never gives the failed slot traffic back
                throw new IllegalArgumentException("steps " + weights + " must strictly decrease");
            }
            previous = w;
        }
        if (previous != 0) {
            throw new IllegalArgumentException("steps " + weights + " must end with 0 (all traffic back on the stable slot)");
        }
    }

    private static String healthUrl(String stableHealthUrl) {
        if (stableHealthUrl == null || stableHealthUrl.isBlank()) {
            return null;
        }
        String base = stableHealthUrl.strip().replaceAll("/+$", "");
        URI uri;
        try {
            uri = URI.create(base + "/health");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stableHealthUrl is not a URL: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("stableHealthUrl must be an http(s) URL with a host, got '" + stableHealthUrl + "'");
        }
        return uri.toString();
    }
}
