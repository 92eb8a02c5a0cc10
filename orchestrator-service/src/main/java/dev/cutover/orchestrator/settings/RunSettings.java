package dev.cutover.orchestrator.settings;

import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the orchestrator takes from a ConfigResolved: the router port, the instance's environment and the
 * health-check settings. Keys are looked up both nested ({@code router: {port: 18080}}) and flat
 * ({@code "router.port": 18080}) since the config-service may publish either shape.
 */
public record RunSettings(int routerPort, Map<String, String> environment, HealthSettings health,
                          RolloutSettings rollout, RecoveryPolicy recovery) {

    public RunSettings(int routerPort, Map<String, String> environment, HealthSettings health) {
        this(routerPort, environment, health, RolloutSettings.DEFAULTS, RecoveryPolicy.DEFAULTS);
    }

    public RunSettings(int routerPort, Map<String, String> environment, HealthSettings health,
                       RolloutSettings rollout) {
        this(routerPort, environment, health, rollout, RecoveryPolicy.DEFAULTS);
    }

    public RunSettings {
        rollout = rollout == null ? RolloutSettings.DEFAULTS : rollout;
        // snapshots written before recovery existed have none
        recovery = recovery == null ? RecoveryPolicy.DEFAULTS : recovery;
    }

    /** Where the router's per-backend metrics are read: its admin port is the router port + 1. */
    public String metricsUrl() {
        return "http://127.0.0.1:" + (routerPort + 1);
    }

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
        return new RunSettings((int) routerPort, environment(lookup(c, "app.env")), health, rollout(c), recovery(c));
    }

    public static RecoveryPolicy recovery(Map<String, Object> c) {
        RecoveryPolicy d = RecoveryPolicy.DEFAULTS;
        return new RecoveryPolicy((int) positive(c, "recovery.max-attempts", d.maxAttempts()),
                number(c, "recovery.infrastructure-retry-delay-ms", d.infrastructureRetryDelayMs()),
                number(c, "recovery.application-retry-delay-ms", d.applicationRetryDelayMs()));
    }

    public static RolloutSettings rollout(Map<String, Object> c) {
        RolloutSettings d = RolloutSettings.DEFAULTS;
        List<Integer> steps = steps(lookup(c, "canary.steps"), d.canarySteps());
        AnalysisSpec a = d.analysis();
        String policy = text(c, "analysis.insufficient-data-policy", a.insufficientDataPolicy().name());
        InsufficientDataPolicy idp;
        try {
            idp = InsufficientDataPolicy.valueOf(policy.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("analysis.insufficient-data-policy must be fail, pause or pass, not '"
                    + policy + "'");
        }
        Object healthPaths = lookup(c, "analysis.health-paths");
        AnalysisSpec analysis = new AnalysisSpec(
                positive(c, "analysis.window-ms", a.windowMs()),
                positive(c, "analysis.probe-interval-ms", a.probeIntervalMs()),
                number(c, "analysis.min-samples", a.minSamples()),
                (int) number(c, "analysis.max-extensions", a.maxExtensions()),
                number(c, "analysis.extension-ms", a.extensionMs()),
                idp,
                decimal(c, "analysis.max-error-rate-ratio", a.maxErrorRateRatio()),
                decimal(c, "analysis.max-latency-ratio", a.maxLatencyRatio()),
                decimal(c, "analysis.min-throughput-ratio", a.minThroughputRatio()),
                decimal(c, "analysis.max-error-rate", a.maxErrorRate()),
                decimal(c, "analysis.max-p95-ms", a.maxP95Ms()),
                healthPaths == null ? a.healthPaths() : paths(healthPaths, a.healthPaths()),
                (int) positive(c, "analysis.health-failure-threshold", a.healthFailureThreshold()),
                number(c, "analysis.warmup-ms", a.warmup()));
        String strategy = text(c, "rollback.strategy", d.rollbackStrategy()).trim().toLowerCase(Locale.ROOT);
        if (!List.of(RolloutSettings.IMMEDIATE, RolloutSettings.GRADUAL, RolloutSettings.MANUAL).contains(strategy)) {
            throw new IllegalArgumentException("rollback.strategy must be immediate, gradual or manual, not '"
                    + strategy + "'");
        }
        int instances = (int) positive(c, "infrastructure.instance-count", d.instanceCount());
        int surge = (int) number(c, "rolling.max-surge", d.maxSurge());
        int unavailable = (int) number(c, "rolling.max-unavailable", d.maxUnavailable());
        if (surge == 0 && unavailable == 0) {
            throw new IllegalArgumentException("rolling.max-surge and rolling.max-unavailable cannot both be 0");
        }
        Map<String, Long> pipelineTimeouts = new LinkedHashMap<>();
        for (String stage : List.of("provision", "deploy", "test", "promote")) {
            Object v = lookup(c, "pipeline.timeouts." + stage + "-ms");
            if (v != null) {
                pipelineTimeouts.put(stage, positive(c, "pipeline.timeouts." + stage + "-ms", 1));
            }
        }
        return new RolloutSettings(steps, analysis, strategy,
                number(c, "rollback.step-interval-ms", d.rollbackStepIntervalMs()), instances, surge, unavailable,
                bool(c, "pipeline.approval-before-promote", d.approvalBeforePromote()),
                positive(c, "pipeline.approval-timeout-ms", d.approvalTimeoutMs()), pipelineTimeouts);
    }

    /** Canary weights: each 1..100, strictly increasing; 100 is appended when missing. */
    private static List<Integer> steps(Object value, List<Integer> fallback) {
        if (value == null) {
            return fallback;
        }
        List<Object> raw = new ArrayList<>();
        if (value instanceof List<?> list) {
            raw.addAll(list);
        } else if (value instanceof String s) {
            Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).forEach(raw::add);
        } else {
            throw new IllegalArgumentException("canary.steps must be a list of weights");
        }
        List<Integer> steps = new ArrayList<>();
        for (Object o : raw) {
            long w = number("canary.steps", o);
            if (w < 1 || w > 100 || (!steps.isEmpty() && w <= steps.get(steps.size() - 1))) {
                throw new IllegalArgumentException("canary.steps must be increasing weights in 1..100, not " + raw);
            }
            steps.add((int) w);
        }
        if (steps.isEmpty() || steps.get(steps.size() - 1) != 100) {
            steps.add(100);
        }
        return List.copyOf(steps);
    }

    private static long positive(Map<String, Object> c, String key, long fallback) {
        long n = number(c, key, fallback);
        if (n <= 0) {
            throw new IllegalArgumentException(key + " must be positive: " + n);
        }
        return n;
    }

    private static double decimal(Map<String, Object> c, String key, double fallback) {
        Object v = lookup(c, key);
        if (v == null) {
            return fallback;
        }
        double d;
        if (v instanceof Number n) {
            d = n.doubleValue();
        } else {
            try {
                d = Double.parseDouble(String.valueOf(v).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number, not '" + v + "'");
            }
        }
        if (d < 0 || Double.isNaN(d)) {
            throw new IllegalArgumentException(key + " must not be negative: " + d);
        }
        return d;
    }

    private static String text(Map<String, Object> c, String key, String fallback) {
        Object v = lookup(c, key);
        return v == null ? fallback : String.valueOf(v);
    }

    private static boolean bool(Map<String, Object> c, String key, boolean fallback) {
        Object v = lookup(c, key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(v).trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException(key + " must be true or false, not '" + v + "'");
    }

    public static Object lookup(Map<?, ?> map, String path) {
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
