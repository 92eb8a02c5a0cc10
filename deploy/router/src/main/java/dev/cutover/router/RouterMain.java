package dev.cutover.router;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.util.concurrent.Callable;

/**
 * {@code java -jar router.jar --target app/env --port N --admin-port N [--bind 127.0.0.1]}
 * <p>Prints {@code ROUTER READY port=<p> admin-port=<a> target=<t>} once both ports listen; stops on SIGTERM.
 * Exit codes: 2 for a bad command line (the error and the usage on stderr), 1 when the router cannot start.</p>
 */
@Command(name = "router", sortOptions = false, usageHelpAutoWidth = true,
        description = "Weighted HTTP reverse proxy for one application/environment, with an admin API "
                + "(backends and weights, health, per-backend Prometheus metrics) on 127.0.0.1.",
        footer = "Prints 'ROUTER READY port=<p> admin-port=<a> target=<t>' once both ports listen; stops on SIGTERM.")
public final class RouterMain implements Callable<Integer> {

    @Option(names = "--target", required = true, paramLabel = "APP/ENV", converter = TargetKey.class,
            description = "The application/environment it serves, e.g. shop/production.")
    String target;

    @Option(names = "--port", required = true, paramLabel = "PORT", converter = Port.class,
            description = "Traffic port, 0..65535 (0 picks a free one).")
    int port;

    @Option(names = "--admin-port", required = true, paramLabel = "PORT", converter = Port.class,
            description = "Admin API port on 127.0.0.1, 0..65535 (0 picks a free one).")
    int adminPort;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address the traffic port listens on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    public static void main(String[] args) {
        int exit = commandLine().execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
        // started (or --help): the router's non-daemon threads keep the JVM up until SIGTERM
    }

    static CommandLine commandLine() {
        return new CommandLine(new RouterMain());
    }

    /** The options of a command line; a {@link CommandLine.ParameterException} names what is wrong. */
    static RouterMain parse(String... args) {
        CommandLine cli = commandLine();
        cli.parseArgs(args);
        return cli.getCommand();
    }

    @Override
    public Integer call() {
        Router router;
        try {
            router = Router.start(target, bind, port, adminPort);
        } catch (RuntimeException e) {
            System.err.println("router: cannot start: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(router::close, "router-shutdown"));
        System.out.println("ROUTER READY port=" + router.port() + " admin-port=" + router.adminPort()
                + " target=" + router.target());
        System.out.flush();
        return 0;
    }

    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int p = Integer.parseInt(value);
                if (p >= 0 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new TypeConversionException("must be a port number 0..65535, was '" + value + "'");
        }
    }

    static final class TargetKey implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!value.matches("[^/\\s]+/[^/\\s]+")) {
                throw new TypeConversionException("must be app/env, was '" + value + "'");
            }
            return value;
        }
    }
}
