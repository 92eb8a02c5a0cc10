package dev.cutover.provisioner.slot;

import dev.cutover.events.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
