package dev.cutover.router;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterMainTest {

    @Test
    void parsesOptionsInBothForms() {
        RouterMain options = RouterMain.parse("--target", "shop/prod", "--port=8080", "--admin-port", "0");
        assertEquals("shop/prod", options.target);
        assertEquals(8080, options.port);
        assertEquals(0, options.adminPort);
        assertEquals("127.0.0.1", options.bind, "traffic binds to loopback unless told otherwise");
        assertEquals("0.0.0.0", RouterMain.parse("--target", "a/b", "--port", "1", "--admin-port", "2",
                "--bind=0.0.0.0").bind);
    }

    @Test
    void rejectsMissingOrBadOptions() {
        assertThrows(CommandLine.ParameterException.class, () -> RouterMain.parse("--port", "1", "--admin-port", "2"));
        assertThrows(CommandLine.ParameterException.class,
                () -> RouterMain.parse("--target", "shop", "--port", "1", "--admin-port", "2"));
        assertThrows(CommandLine.ParameterException.class,
                () -> RouterMain.parse("--target", "a/b", "--port", "70000", "--admin-port", "2"));
        assertThrows(CommandLine.ParameterException.class,
                () -> RouterMain.parse("--target", "a/b", "--port", "x", "--admin-port", "2"));
        assertThrows(CommandLine.ParameterException.class,
                () -> RouterMain.parse("--target", "a/b", "--port", "1", "--admin-port", "-1"));
        assertThrows(CommandLine.ParameterException.class,
                () -> RouterMain.parse("--target", "a/b", "--port", "1", "--admin-port", "2", "--nope", "x"));
        assertThrows(CommandLine.ParameterException.class,
                () -> RouterMain.parse("--target", "a/b", "--port", "1", "--admin-port", "2", "extra"));
        assertThrows(CommandLine.ParameterException.class, () -> RouterMain.parse("--target", "a/b", "--port"));
    }

    @Test
    void aBadValueExitsWith2NamingTheOption() {
        Run run = execute("--target", "a/b", "--port", "70000", "--admin-port", "2");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("--port") && run.err().contains("70000"), run.err());
        assertEquals("", run.out());

        Run missing = execute("--target", "a/b", "--port", "1");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("--admin-port"), missing.err());
    }

    @Test
    void helpListsEveryOptionAndExits0() {
        Run run = execute("--help");
        assertEquals(0, run.exit());
        for (String option : new String[] {"--target", "--port", "--admin-port", "--bind", "--help"}) {
            assertTrue(run.out().contains(option), option + " missing from: " + run.out());
        }
        assertTrue(run.out().contains("127.0.0.1"), "the default of --bind is shown: " + run.out());
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = RouterMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
