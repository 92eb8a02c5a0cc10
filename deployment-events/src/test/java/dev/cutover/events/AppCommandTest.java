package dev.cutover.events;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AppCommandTest {

    @Test
    void wordsSplitOnBlanksAndQuotesGroupThem() {
        assertEquals(List.of("python3", "app.py", "--name", "my app", "--x="),
                AppCommand.words("  python3 app.py --name \"my app\" '--x='  "));
    }

    @Test
    void placeholdersAreSubstitutedInEveryWord() {
        assertEquals(List.of("./server", "--listen=127.0.0.1:4711", "/opt/a.jar"),
                AppCommand.resolve("./server --listen=127.0.0.1:{port} {artifact}", 4711, "/opt/a.jar"));
    }

    @Test
    void badCommandsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> AppCommand.words(" "));
        assertThrows(IllegalArgumentException.class, () -> AppCommand.words("run --port {prot}"));
        assertThrows(IllegalArgumentException.class, () -> AppCommand.words("run \"unclosed"));
        assertThrows(IllegalArgumentException.class, () -> AppCommand.words("'' --port {port}"));
    }
}
