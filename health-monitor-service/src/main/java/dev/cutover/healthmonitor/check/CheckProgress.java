package dev.cutover.healthmonitor.check;

import dev.cutover.events.HealthMonitorCommand.CheckMode;
import dev.cutover.events.HealthMonitorCommand.HealthCheckSpec;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules of one check, without I/O or clocks: fed each round and the time elapsed since the check started
 * (measured when the round ended), it says when the check is decided.
 * <ul>
 *   <li>UNTIL_HEALTHY passes at {@code consecutiveSuccesses} passing rounds in a row and fails once
 *       {@code maxWaitMs} has elapsed without that.</li>
 *   <li>WATCH fails at {@code failureThreshold} failed rounds in a row and passes once {@code windowMs} has
 *       elapsed; a failing streak is checked before the window end.</li>
 * </ul>
 */
public final class CheckProgress {

    private final CheckMode mode;
    private final HealthCheckSpec spec;
    private int rounds;
    private int passStreak;
    private int failStreak;
    private String lastFailure;

    public CheckProgress(CheckMode mode, HealthCheckSpec spec) {
        this.mode = mode;
        this.spec = spec;
    }

    public Optional<Verdict> onRound(Round round, long elapsedMs) {
        rounds++;
        if (round.passed()) {
            passStreak++;
            failStreak = 0;
        } else {
            passStreak = 0;
            failStreak++;
            lastFailure = round.failure();
        }
        if (mode == CheckMode.UNTIL_HEALTHY) {
            if (passStreak >= spec.consecutiveSuccesses()) {
                return verdict(true, null, round);
            }
            if (elapsedMs >= spec.maxWaitMs()) {
                String why = "not " + spec.consecutiveSuccesses() + " passing rounds in a row within "
                        + spec.maxWaitMs() + " ms, " + rounds + " rounds";
                return verdict(false, lastFailure == null ? "only " + passStreak + " of " + spec.consecutiveSuccesses()
                        + " passing rounds in a row within " + spec.maxWaitMs() + " ms" : lastFailure + " (" + why + ")", round);
            }
            return Optional.empty();
        }
        if (failStreak >= spec.failureThreshold()) {
            return verdict(false, lastFailure + " (" + failStreak + " failed rounds in a row, " + elapsedMs
                    + " ms into the " + spec.windowMs() + " ms window)", round);
        }
        if (elapsedMs >= spec.windowMs()) {
            return verdict(true, null, round);
        }
        return Optional.empty();
    }

    public int rounds() {
        return rounds;
    }

    private Optional<Verdict> verdict(boolean passed, String reason, Round last) {
        return Optional.of(new Verdict(passed, reason, rounds, last.probes()));
    }

    /** What is wrong with a check request, empty when it can run. */
    public static List<String> problems(String baseUrl, CheckMode mode, HealthCheckSpec spec) {
        List<String> problems = new ArrayList<>();
        try {
            URI uri = URI.create(baseUrl);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                problems.add("baseUrl must be an absolute http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            problems.add("baseUrl must be an absolute http(s) URL");
        }
        if (spec.paths() == null || spec.paths().isEmpty()
                || !spec.paths().stream().allMatch(p -> p != null && p.startsWith("/"))) {
            problems.add("spec.paths must be a non-empty list of paths starting with '/'");
        }
        if (spec.timeoutMs() <= 0) {
            problems.add("spec.timeoutMs must be positive");
        }
        if (spec.intervalMs() <= 0) {
            problems.add("spec.intervalMs must be positive");
        }
        if (mode == CheckMode.UNTIL_HEALTHY) {
            if (spec.consecutiveSuccesses() < 1) {
                problems.add("spec.consecutiveSuccesses must be at least 1");
            }
            if (spec.maxWaitMs() <= 0) {
                problems.add("spec.maxWaitMs must be positive");
            }
        } else {
            if (spec.failureThreshold() < 1) {
                problems.add("spec.failureThreshold must be at least 1");
            }
            if (spec.windowMs() <= 0) {
                problems.add("spec.windowMs must be positive");
            }
        }
        return problems;
    }
}
