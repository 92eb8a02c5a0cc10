package dev.cutover.orchestrator.model;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SlotPlanTest {

    static Stream<Arguments> plans() {
        return Stream.of(
                Arguments.of("first deployment uses blue", null, new SlotPlan("blue", null, null)),
                Arguments.of("after SUCCEEDED on blue -> green over blue",
                        done(DeploymentStatus.SUCCEEDED, "blue", null, null), new SlotPlan("green", "blue", "2.0.0")),
                Arguments.of("after SUCCEEDED on green -> blue over green",
                        done(DeploymentStatus.SUCCEEDED, "green", "blue", "1.0.0"), new SlotPlan("blue", "green", "2.0.0")),
                Arguments.of("after ROLLED_BACK to blue -> green over blue",
                        done(DeploymentStatus.ROLLED_BACK, "green", "blue", "1.0.0"), new SlotPlan("green", "blue", "1.0.0")),
                Arguments.of("after FAILED with stable green -> blue over green",
                        done(DeploymentStatus.FAILED, "blue", "green", "1.0.0"), new SlotPlan("blue", "green", "1.0.0")),
                Arguments.of("after a failed first deployment -> blue, nothing stable",
                        done(DeploymentStatus.FAILED, "blue", null, null), new SlotPlan("blue", null, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void choosesTheOtherSlot(String name, Deployment latestTerminal, SlotPlan expected) {
        assertEquals(expected, SlotPlan.after(latestTerminal));
    }

    private static Deployment done(DeploymentStatus status, String slot, String stableSlot, String stableVersion) {
        return new Deployment.Builder().id("d-0").target(new Target("shop", "staging")).version("2.0.0")
                .artifact("a.jar").strategy("blue-green").status(status).slot(slot).stableSlot(stableSlot)
                .stableVersion(stableVersion).createdAt(Instant.EPOCH).updatedAt(Instant.EPOCH).build();
    }
}
