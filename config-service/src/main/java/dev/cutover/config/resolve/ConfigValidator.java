package dev.cutover.config.resolve;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks the merged configuration for the keys the orchestrator relies on. Every problem names its key; values
 * are echoed only for numbers (app.env values may be sensitive and are never repeated).
 */
public final class ConfigValidator {

    static final List<String> POSITIVE_HEALTH_KEYS = List.of("timeout-ms", "interval-ms", "consecutive-successes",
            "max-wait-ms", "failure-threshold", "monitor-window-ms");

    private ConfigValidator() {
    }

    /** The problems found, empty when the configuration is valid. */
    public static List<String> validate(Map<String, Object> config) {
        List<String> errors = new ArrayList<>();
        Map<?, ?> router = section(config, "router", errors);
        if (router != null) {
            Long port = integral(router.get("port"));
            if (port == null || port < 1 || port > 65535) {
                errors.add("router.port must be an integer in 1..65535 (got " + shown(router.get("port")) + ")");
            }
        }
        Map<?, ?> health = section(config, "health", errors);
        if (health != null) {
            if (!(health.get("paths") instanceof List<?> paths) || paths.isEmpty()
                    || !paths.stream().allMatch(p -> p instanceof String s && s.startsWith("/"))) {
                errors.add("health.paths must be a non-empty list of paths starting with '/'");
            }
            for (String key : POSITIVE_HEALTH_KEYS) {
                Long value = integral(health.get(key));
                if (value == null || value <= 0) {
                    errors.add("health." + key + " must be a positive integer (got " + shown(health.get(key)) + ")");
                }
            }
        }
        Map<?, ?> app = section(config, "app", errors);
        if (app != null) {
            if (!(app.get("env") instanceof Map<?, ?> env)) {
                errors.add("app.env must be a map of scalars");
            } else {
                for (Map.Entry<?, ?> e : env.entrySet()) {
                    Object v = e.getValue();
                    if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                        errors.add("app.env." + e.getKey() + " must be a scalar (string, number or boolean)");
                    }
                }
            }
        }
        return errors;
    }

    private static Map<?, ?> section(Map<String, Object> config, String key, List<String> errors) {
        if (config.get(key) instanceof Map<?, ?> map) {
            return map;
        }
        errors.add(key + " must be a map");
        return null;
    }

    private static Long integral(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big && big.bitLength() < 64) {
            return big.longValue();
        }
        return null;
    }

    private static String shown(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return value instanceof String ? "a string" : value instanceof List<?> ? "a list" : "a map";
    }
}
