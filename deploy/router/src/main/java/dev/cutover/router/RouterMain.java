package dev.cutover.router;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code java -jar router.jar --target app/env --port N --admin-port N [--bind 127.0.0.1]}
 * <p>Prints {@code ROUTER READY port=<p> admin-port=<a> target=<t>} once both ports listen; stops on SIGTERM.</p>
 */
public final class RouterMain {

    private static final Set<String> OPTIONS = Set.of("target", "port", "admin-port", "bind");

    private RouterMain() {
    }

    public static void main(String[] args) {
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("router: " + e.getMessage());
            System.err.println("usage: router --target app/env --port N --admin-port N [--bind 127.0.0.1]");
            System.exit(2);
            return;
        }
        Router router;
        try {
            router = Router.start(options.get("target"), options.getOrDefault("bind", "127.0.0.1"),
                    Integer.parseInt(options.get("port")), Integer.parseInt(options.get("admin-port")));
        } catch (RuntimeException e) {
            System.err.println("router: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(router::close, "router-shutdown"));
        System.out.println("ROUTER READY port=" + router.port() + " admin-port=" + router.adminPort()
                + " target=" + router.target());
        System.out.flush();
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            options.put(name, value);
        }
        for (String required : new String[] {"target", "port", "admin-port"}) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("--" + required + " is required");
            }
        }
        if (!options.get("target").matches("[^/\\s]+/[^/\\s]+")) {
            throw new IllegalArgumentException("--target must be app/env, was '" + options.get("target") + "'");
        }
        for (String port : new String[] {"port", "admin-port"}) {
            try {
                int p = Integer.parseInt(options.get(port));
                if (p < 0 || p > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + port + " must be a port number 0..65535, was '" + options.get(port) + "'");
            }
        }
        return options;
    }
}
