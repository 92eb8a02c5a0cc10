package dev.cutover.router;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RouterMainTest {

    @Test
    void parsesOptionsInBothForms() {
        assertEquals(Map.of("target", "shop/prod", "port", "8080", "admin-port", "0"),
                RouterMain.parse(new String[] {"--target", "shop/prod", "--port=8080", "--admin-port", "0"}));
    }

    @Test
    void rejectsMissingOrBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> RouterMain.parse(new String[] {"--port", "1", "--admin-port", "2"}));
        assertThrows(IllegalArgumentException.class,
                () -> RouterMain.parse(new String[] {"--target", "shop", "--port", "1", "--admin-port", "2"}));
        assertThrows(IllegalArgumentException.class,
                () -> RouterMain.parse(new String[] {"--target", "a/b", "--port", "70000", "--admin-port", "2"}));
        assertThrows(IllegalArgumentException.class,
                () -> RouterMain.parse(new String[] {"--target", "a/b", "--port", "1", "--admin-port", "2", "--nope", "x"}));
    }
}
