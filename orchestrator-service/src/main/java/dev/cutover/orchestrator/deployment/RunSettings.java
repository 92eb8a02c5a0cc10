package dev.cutover.orchestrator.deployment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the orchestrator takes from a ConfigResolved: the router port, the instance's environment and the
 * health-check settings. Keys are looked up both nested ({@code router: {port: 18080}}) and flat
 * ({@code "router.port": 18080}) since the config-service may publish either shape.
 */
public record RunSettings(int routerPort, Map<String, String> environment, HealthSettings health) {

    /** @throws IllegalArgumentException with a reason naming the bad key */
    public static RunSettings from(Map<String, Object> config) {
        Map<String, Object> c = config == null ? Map.of() : config;
        Object port = lookup(c, "router.port");
        if (port == null) {
            throw new IllegalArgumentException("config has no router.port");
        }
        long routerPort = number("router.port", port);
        if (routerPort < 1 || routerPort > 65535) {
            throw new IllegalArgumentException("router.port " + routerPort + " is not a port");
        }
        HealthSettings d = HealthSettings.DEFAULTS;
        HealthSettings health = new HealthSettings(
                paths(lookup(c, "health.paths"), d.paths()),
                number(c, "health.timeout-ms", d.timeoutMs()),
                number(c, "health.interval-ms", d.intervalMs()),
                (int) number(c, "health.consecutive-successes", d.consecutiveSuccesses()),
                number(c, "health.max-wait-ms", d.maxWaitMs()),
                (int) number(c, "health.failure-threshold", d.failureThreshold()),
                number(c, "health.monitor-window-ms", d.monitorWindowMs()));
        return new RunSettings((int) routerPort, environment(lookup(c, "app.env")), health);
    }

    static Object lookup(Map<?, ?> map, String path) {
        if (map.containsKey(path)) {
            return map.get(path);
        }
        for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
            if (map.get(path.substring(0, dot)) instanceof Map<?, ?> nested) {
                Object value = lookup(nested, path.substring(dot + 1));
                if (value != null) {
                    return value;
                }
            }
        }
        return null;
    }

    private static long number(Map<String, Object> c, String key, long fallback) {
        Object value = lookup(c, key);
        if (value == null) {
            return fallback;
        }
        long n = number(key, value);
        if (n < 0) {
            throw new IllegalArgumentException(key + " must not be negative: " + n);
        }
        return n;
    }

    private static long number(String key, Object value) {
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(key + " must be a whole number, not '" + value + "'");
    }

    private static List<String> paths(Object value, List<String> fallback) {
        List<String> paths = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(p -> paths.add(String.valueOf(p).trim()));
        } else if (value instanceof String s) {
            Arrays.stream(s.split(",")).map(String::trim).forEach(paths::add);
        } else if (value != null) {
            throw new IllegalArgumentException("health.paths must be a list of paths");
        }
        paths.removeIf(String::isEmpty);
        return paths.isEmpty() ? fallback : List.copyOf(paths);
    }

    private static Map<String, String> environment(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("app.env must be a map of variables");
        }
        Map<String, String> env = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v != null) {
                env.put(String.valueOf(k), String.valueOf(v));
            }
        });
        return env;
    }
}
