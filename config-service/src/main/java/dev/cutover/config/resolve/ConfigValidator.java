package dev.cutover.config.resolve;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
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

    /** {@code target.provider} → the {@code target.kind}s it can make. */
    static final Map<String, List<String>> KINDS = Map.of(
            "local", List.of("process"),
            "azure", List.of("app-service", "scale-set"));

    /** The hardening rules a plan checks, which {@code hardening.blocking} may name. */
    static final List<String> HARDENING_RULES = List.of("https-only", "min-tls-1.2", "ftps-disabled",
            "managed-identity", "secrets-as-key-vault-references", "inbound-443-only", "private-endpoint",
            "diagnostics-enabled");

    /** With {@code target.provider: azure} these {@code target.azure.*} keys must be set. */
    static final List<String> REQUIRED_AZURE_KEYS = List.of("subscription-id", "resource-group", "region");

    private ConfigValidator() {
    }

    /** The problems found, empty when the configuration is valid. */
    public static List<String> validate(Map<String, Object> config) {
        List<String> errors = new ArrayList<>();
        Map<?, ?> router = section(config, "router", errors);
        if (router != null) {
            // 0 (or absent): the provisioner gives the target a port from its pool and keeps it
            Long port = router.get("port") == null ? Long.valueOf(0) : integral(router.get("port"));
            if (port == null || port < 0 || port > 65535) {
                errors.add("router.port must be an integer in 1..65535, or 0 for a port from the provisioner's pool"
                        + " (got " + shown(router.get("port")) + ")");
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
        if (app != null && app.get("command") != null) {
            if (!(app.get("command") instanceof String command)) {
                errors.add("app.command must be a string");
            } else {
                try {
                    dev.cutover.events.AppCommand.words(command);
                } catch (IllegalArgumentException e) {
                    errors.add(e.getMessage());
                }
            }
        }
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
        target(config, errors);
        artifact(config, errors);
        if (config.get("network") instanceof Map<?, ?> network && network.get("inbound-ports") instanceof List<?> ports) {
            for (Object port : ports) {
                Long p = integral(port);
                if (p == null || p < 1 || p > 65535) {
                    errors.add("network.inbound-ports must be ports in 1..65535 (got " + shown(port) + ")");
                }
            }
        }
        if (config.get("hardening") instanceof Map<?, ?> hardening && hardening.get("blocking") instanceof List<?> rules) {
            for (Object rule : rules) {
                if (!HARDENING_RULES.contains(rule)) {
                    errors.add("hardening.blocking names an unknown rule '" + rule + "' (known: "
                            + String.join(", ", HARDENING_RULES) + ")");
                }
            }
        }
        if (config.get("budget") instanceof Map<?, ?> budget && budget.get("monthly-limit") instanceof Number limit
                && !(limit.doubleValue() > 0)) {
            errors.add("budget.monthly-limit must be positive (got " + limit + ")");
        }
        return errors;
    }

    /** {@code target.provider} and {@code target.kind} known and matching; Azure's subscription, group and region set. */
    private static void target(Map<String, Object> config, List<String> errors) {
        if (!(config.get("target") instanceof Map<?, ?> target)) {
            return;
        }
        Object provider = target.get("provider") == null ? "local" : target.get("provider");
        List<String> kinds = KINDS.get(provider);
        if (kinds == null) {
            errors.add("target.provider must be local or azure (got '" + provider + "')");
            return;
        }
        Object kind = target.get("kind") == null ? "process" : target.get("kind");
        if (!kinds.contains(kind)) {
            errors.add("target.kind must be " + String.join(" or ", kinds) + " with provider " + provider
                    + " (got '" + kind + "')");
        }
        if ("azure".equals(provider)) {
            Map<?, ?> azure = target.get("azure") instanceof Map<?, ?> m ? m : Map.of();
            for (String key : REQUIRED_AZURE_KEYS) {
                if (!(azure.get(key) instanceof String s) || s.isBlank()) {
                    errors.add("target.azure." + key + " must be set with provider azure");
                }
            }
        }
    }

    /**
     * {@code artifact.allowed-sources}: a list of URL prefixes, each a directory ({@code file:///...} or
     * {@code https://host/...}, ending in {@code /}, no {@code ..}, query or user info); {@code artifact.require-digest}:
     * a boolean. Both must be set: an environment without an artifact policy is an error, not "anything goes".
     */
    private static void artifact(Map<String, Object> config, List<String> errors) {
        Map<?, ?> artifact = section(config, "artifact", errors);
        if (artifact == null) {
            return;
        }
        if (!(artifact.get("allowed-sources") instanceof List<?> sources)) {
            errors.add("artifact.allowed-sources must be a list of URL prefixes (file:///dir/ or https://host/dir/)");
        } else {
            for (Object source : sources) {
                String problem = sourceProblem(source);
                if (problem != null) {
                    errors.add("artifact.allowed-sources " + problem);
                }
            }
        }
        if (!(artifact.get("require-digest") instanceof Boolean)) {
            errors.add("artifact.require-digest must be true or false (got " + shown(artifact.get("require-digest"))
                    + ")");
        }
    }

    /** Why {@code source} cannot be an allowed-source prefix, or null when it can. */
    static String sourceProblem(Object source) {
        if (!(source instanceof String s) || s.isBlank()) {
            return "must be URL prefixes (strings), not " + shown(source);
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            return "has an entry that is not a URL: '" + s + "'";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("file") && !scheme.equals("https")) {
            return "allows file:/// and https:// prefixes only, not '" + s + "'";
        }
        if (uri.isOpaque() || uri.getRawPath() == null || !uri.getRawPath().startsWith("/")) {
            return "needs an absolute path in '" + s + "'";
        }
        if (scheme.equals("https") && (uri.getHost() == null || uri.getRawUserInfo() != null)) {
            return "needs a host (and no user info) in '" + s + "'";
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "may not have a query or fragment: '" + s + "'";
        }
        String path = uri.getPath();
        if (path.contains("/../") || path.contains("/./") || path.contains("//")) {
            return "may not contain '..', '.' or empty segments: '" + s + "'";
        }
        if (!s.endsWith("/")) {
            return "entries must end with '/' (a directory, so /opt/releases/ does not also allow /opt/releases-old/):"
                    + " '" + s + "'";
        }
        return null;
    }

    /** Top-level keys a deployment's overrides may not set: the artifact policy is the environment's. */
    static final String LOCKED = "artifact";

    /**
     * The keys {@code overrides} sets under {@link #LOCKED} (nested or dotted, a null removal included), each
     * named: a request cannot loosen the policy it is checked against.
     */
    public static List<String> lockedByOverrides(Map<String, ?> overrides) {
        return locked(overrides, "overrides");
    }

    /** {@link #lockedByOverrides} for any layer above the environment (an application's own layers too). */
    public static List<String> locked(Map<String, ?> values, String layer) {
        List<String> errors = new ArrayList<>();
        if (values == null) {
            return errors;
        }
        String who = "overrides".equals(layer) ? "a deployment's overrides" : "an application's own layer";
        for (Map.Entry<String, ?> e : values.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.equals(LOCKED) || key.startsWith(LOCKED + ".")) {
                List<String> leaves = new ArrayList<>();
                leaves(key, e.getValue(), leaves);
                for (String leaf : leaves) {
                    errors.add(leaf + " cannot be set by " + who + ": the artifact policy belongs to the"
                            + " environment (set by layer '" + layer + "')");
                }
            }
        }
        return errors;
    }

    private static void leaves(String path, Object value, List<String> into) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            map.forEach((k, v) -> leaves(path + "." + k, v, into));
        } else {
            into.add(path);
        }
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
