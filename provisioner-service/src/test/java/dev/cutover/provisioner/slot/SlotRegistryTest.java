package dev.cutover.provisioner.slot;

import dev.cutover.events.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlotRegistryTest {

    private static final Target SHOP = new Target("shop", "prod");

    @TempDir
    Path dir;

    private static SlotInstance instance(String slot, long pid) {
        return new SlotInstance(slot, "v1", "d1", "http://127.0.0.1:7000", "local:" + pid, pid, 7000, 123L, 456L);
    }

    @Test
    void persistsEveryChangeAndReloadsIt() {
        SlotRegistry registry = new SlotRegistry(dir);
        registry.update(SHOP, s -> s.withRouter(9000, 42L).withInstance(instance("blue", 1)).withInstance(instance("green", 2))
                .withWeights(Map.of("blue", 100, "green", 0)));
        assertTrue(Files.isRegularFile(dir.resolve("shop-prod.json")));

        SlotRegistry reloaded = new SlotRegistry(dir);
        reloaded.load(i -> true);
        assertEquals(registry.state(SHOP), reloaded.state(SHOP));
        assertEquals(2, reloaded.instanceCount());
    }

    @Test
    void reloadDropsInstancesThatAreNoLongerAliveAndTheirWeight() {
        SlotRegistry registry = new SlotRegistry(dir);
        registry.update(SHOP, s -> s.withRouter(9000, 42L).withInstance(instance("blue", 1)).withInstance(instance("green", 2))
                .withWeights(Map.of("blue", 100, "green", 0)));

        SlotRegistry reloaded = new SlotRegistry(dir);
        reloaded.load(i -> i.slot().equals("green"));
        assertEquals(Set.of("green"), reloaded.state(SHOP).slots().keySet());
        assertEquals(Map.of("green", 0), reloaded.state(SHOP).weights());
        assertEquals(9000, reloaded.state(SHOP).routerPort());

        SlotRegistry again = new SlotRegistry(dir); // the pruned state was written back
        again.load(i -> true);
        assertEquals(Set.of("green"), again.state(SHOP).slots().keySet());
    }

    @Test
    void unknownTargetIsEmpty() {
        TargetState state = new SlotRegistry(dir).state(SHOP);
        assertEquals(Map.of(), state.slots());
        assertEquals(null, state.routerPort());
    }

    @Test
    void fileNamesAreSafe() {
        assertEquals(dir.resolve("a_b-c_d.json"), new SlotRegistry(dir).file(new Target("a b", "c/d")));
    }

    @Test
    void aSlotOfSeveralInstancesPersistsEveryMember() {
        SlotInstance three = SlotInstance.of("green", "v2", "d2", "local:11,12,13", List.of(
                new SlotInstance.Member("http://127.0.0.1:7011", 11L, 7011, 1L),
                new SlotInstance.Member("http://127.0.0.1:7012", 12L, 7012, 2L),
                new SlotInstance.Member("http://127.0.0.1:7013", 13L, 7013, 3L)), 456L);
        assertEquals(List.of("http://127.0.0.1:7011", "http://127.0.0.1:7012", "http://127.0.0.1:7013"), three.urls());
        assertEquals(List.of(11L, 7011, 1L), List.of(three.pid(), three.port(), three.processStartMs()), "the first member");
        SlotRegistry registry = new SlotRegistry(dir);
        registry.update(SHOP, s -> s.withRouter(9000, 42L).withInstance(three));

        SlotRegistry reloaded = new SlotRegistry(dir);
        reloaded.load(i -> true);
        assertEquals(three, reloaded.state(SHOP).slots().get("green"));
        assertEquals(3, reloaded.state(SHOP).slots().get("green").members().size());
        assertEquals(3, reloaded.instanceCount(), "every member is an instance");
    }

    @Test
    void aFileWrittenBeforeMembersLoadsAsOneMember() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("shop-prod.json"), """
                {"application":"shop","environment":"prod","routerPort":9000,"routerPid":42,
                 "weights":{"blue":100},
                 "slots":{"blue":{"slot":"blue","version":"v1","deploymentId":"d1","url":"http://127.0.0.1:7000",
                                  "instanceId":"local:1","pid":1,"port":7000,"processStartMs":123,"startedAtMs":456}}}""");
        SlotRegistry registry = new SlotRegistry(dir);
        registry.load(i -> true);
        SlotInstance blue = registry.state(SHOP).slots().get("blue");
        assertEquals(instance("blue", 1), blue);
        assertEquals(List.of(new SlotInstance.Member("http://127.0.0.1:7000", 1L, 7000, 123L)), blue.members());
        assertEquals(Map.of("blue", 100), registry.state(SHOP).weights());
    }
}
