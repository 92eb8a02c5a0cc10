package dev.cutover.provisioner.traffic;

import dev.cutover.events.router.RouterAdminApi.Backend;
import dev.cutover.provisioner.slot.SlotInstance;
import dev.cutover.provisioner.slot.TargetState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendSetsTest {

    private static SlotInstance instance(String slot, String version, int port) {
        return new SlotInstance(slot, version, "d1", "http://127.0.0.1:" + port, "local:" + port, (long) port, port, null, 0);
    }

    private static final TargetState BLUE_GREEN = TargetState.empty("shop", "prod")
            .withInstance(instance("blue", "v1", 7001))
            .withInstance(instance("green", "v2", 7002));

    static Stream<Arguments> validShifts() {
        return Stream.of(
                Arguments.of(Map.of("green", 100, "blue", 0), Map.of("green", 100, "blue", 0)),
                Arguments.of(Map.of("green", 100), Map.of("green", 100, "blue", 0)), // unnamed running slot keeps 0
                Arguments.of(Map.of("blue", 90, "green", 10), Map.of("blue", 90, "green", 10)),
                Arguments.of(Map.of("blue", 100, "red", 0), Map.of("blue", 100, "green", 0, "red", 0)));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("validShifts")
    void shiftCompletesWeightsWithZeroForRunningSlots(Map<String, Integer> requested, Map<String, Integer> expected) {
        assertEquals(expected, BackendSets.shift(BLUE_GREEN, requested));
    }

    static Stream<Arguments> invalidShifts() {
        return Stream.of(
                Arguments.of(Map.of("red", 100), "slot red should get weight 100 but runs no instance"),
                Arguments.of(Map.of("blue", 50, "green", 40), "add up to 100, they add up to 90"),
                Arguments.of(Map.of("blue", 101), "must be 0..100"),
                Arguments.of(Map.of("blue", -1, "green", 101), "must be 0..100"),
                Arguments.of(Map.of(), "no weights"));
    }

    @ParameterizedTest(name = "{0} fails: {1}")
    @MethodSource("invalidShifts")
    void invalidShiftsAreRejectedWithAReason(Map<String, Integer> requested, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendSets.shift(BLUE_GREEN, requested));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void backendSetHasEveryRunningSlotWithItsLastWeight() {
        TargetState state = BLUE_GREEN.withWeights(Map.of("blue", 100, "green", 0));
        assertEquals(List.of(new Backend("blue", "http://127.0.0.1:7001", 100, "v1"),
                new Backend("green", "http://127.0.0.1:7002", 0, "v2")), BackendSets.of(state));
    }

    @Test
    void releasingASlotDropsItsBackendAndWeight() {
        TargetState state = BLUE_GREEN.withWeights(Map.of("blue", 0, "green", 100)).withoutSlot("blue");
        assertEquals(List.of(new Backend("green", "http://127.0.0.1:7002", 100, "v2")), BackendSets.of(state));
        assertEquals(Map.of("green", 100), state.weights());
    }

    @Test
    void aReplacedInstanceStartsWithoutTraffic() {
        TargetState state = BLUE_GREEN.withWeights(Map.of("blue", 100, "green", 0))
                .withInstance(instance("blue", "v3", 7003));
        assertEquals(List.of(new Backend("blue", "http://127.0.0.1:7003", 0, "v3"),
                new Backend("green", "http://127.0.0.1:7002", 0, "v2")), BackendSets.of(state));
    }

    @Test
    void aSlotOfSeveralInstancesIsOneBackendWithThemAsMembers() {
        SlotInstance green = SlotInstance.of("green", "v2", "d2", "local:11,12,13", List.of(
                new SlotInstance.Member("http://127.0.0.1:7011", 11L, 7011, null),
                new SlotInstance.Member("http://127.0.0.1:7012", 12L, 7012, null),
                new SlotInstance.Member("http://127.0.0.1:7013", 13L, 7013, null)), 0);
        TargetState state = BLUE_GREEN.withInstance(green).withWeights(Map.of("blue", 10, "green", 90));
        assertEquals(List.of(new Backend("blue", "http://127.0.0.1:7001", 10, "v1"),
                new Backend("green", "http://127.0.0.1:7011", 90, "v2",
                        List.of("http://127.0.0.1:7011", "http://127.0.0.1:7012", "http://127.0.0.1:7013"))),
                BackendSets.of(state));
        assertEquals(List.of("http://127.0.0.1:7001"), BackendSets.of(state).get(0).members());
    }
}
