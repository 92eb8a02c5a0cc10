package dev.cutover.e2e;

import dev.cutover.local.ChaosSuite;
import dev.cutover.local.ChaosSuite.Case;
import dev.cutover.local.ChaosSuite.Moment;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The chaos suite's fixed-seed subset on the shared stack (the full run is {@code bench/chaos.sh}): a process
 * SIGKILLed mid-deployment under user traffic and restarted after a seeded delay; each run must end right — the
 * expected terminal state, the router serving what it says, no orphan process, no duplicate side effect, no failed
 * user request.
 */
class ChaosIT {

    static final List<Case> SUBSET = List.of(
            // the two cases: a healthy canary loses its analysis / its traffic move
            new Case("canary", "health-monitor-service", Moment.SHIFT),
            new Case("canary", "provisioner-service", Moment.SHIFT),
            // the router's controller path: the provisioner while it switches a blue-green
            new Case("blue-green", "provisioner-service", Moment.SHIFT),
            // a rollback in flight: a canary's (the version that breaks under traffic is caught by its analysis), and
            // a rolling one (its first replacement fails its check) with the orchestrator, the system of record, killed
            new Case("canary", "rollback-service", Moment.ROLLBACK),
            new Case("rolling", "orchestrator-service", Moment.ROLLBACK),
            // the broker itself, mid-rollout
            new Case("blue-green", ChaosSuite.BROKER, Moment.SHIFT));

    @Test
    void everyRunEndsRightWhateverWasKilled() {
        List<ChaosSuite.Result> results = new ChaosSuite(Stack.get(), 42, 30, line -> System.out.println("[chaos] " + line))
                .run(SUBSET);
        System.out.print("[figures] chaos subset (seed 42):\n" + ChaosSuite.table(results));
        List<String> failed = results.stream().filter(r -> !r.passed()).map(ChaosSuite.Result::line).toList();
        assertEquals(List.of(), failed);
    }
}
