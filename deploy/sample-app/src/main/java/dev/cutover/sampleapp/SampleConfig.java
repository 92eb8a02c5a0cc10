package dev.cutover.sampleapp;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the sample app, keyed by environment-variable name ({@code PORT}, {@code CUTOVER_VERSION}, ...).
 * A system property with the lowercase dotted name ({@code port}, {@code cutover.version}, ...) overrides the
 * environment variable.
 */
public record SampleConfig(
        int port,
        String version,
        Optional<String> slot,
        double errorRate,
        long latencyMs,
        boolean failHealth,
        long failHealthAfterRequests,
        long startDelayMs,
        int threads) {

    public static final String PORT = "PORT";
    public static final String VERSION = "CUTOVER_VERSION";
    public static final String SLOT = "CUTOVER_SLOT";
    public static final String ERROR_RATE = "SAMPLE_ERROR_RATE";
    public static final String LATENCY_MS = "SAMPLE_LATENCY_MS";
    public static final String FAIL_HEALTH = "SAMPLE_FAIL_HEALTH";
    public static final String FAIL_HEALTH_AFTER_REQUESTS = "SAMPLE_FAIL_HEALTH_AFTER_REQUESTS";
    public static final String START_DELAY_MS = "SAMPLE_START_DELAY_MS";
    public static final String THREADS = "SAMPLE_THREADS";

    private static final String[] KEYS = {PORT, VERSION, SLOT, ERROR_RATE, LATENCY_MS, FAIL_HEALTH,
            FAIL_HEALTH_AFTER_REQUESTS, START_DELAY_MS, THREADS};

    /** Environment variables, overridden by system properties with the lowercase dotted names. */
    public static SampleConfig fromEnvironment() {
        Map<String, String> settings = new HashMap<>();
        for (String key : KEYS) {
            String value = System.getProperty(propertyName(key), System.getenv(key));
            if (value != null) {
                settings.put(key, value);
            }
        }
        return from(settings);
    }

    /** {@code SAMPLE_ERROR_RATE} → {@code sample.error.rate}. */
    public static String propertyName(String envName) {
        return envName.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** @throws IllegalArgumentException naming the offending setting */
    public static SampleConfig from(Map<String, String> settings) {
        String port = blankToNull(settings.get(PORT));
        if (port == null) {
            throw new IllegalArgumentException(PORT + " is required (0 picks a free port)");
        }
        double errorRate = parseDouble(settings, ERROR_RATE, 0.0);
        if (!(errorRate >= 0.0 && errorRate <= 1.0)) {
            throw new IllegalArgumentException(ERROR_RATE + " must be between 0.0 and 1.0, was " + errorRate);
        }
        int portNumber = (int) parseLong(Map.of(PORT, port), PORT, 0, 0, 65535);
        String version = Optional.ofNullable(blankToNull(settings.get(VERSION))).orElse("unknown");
        return new SampleConfig(
                portNumber,
                version,
                Optional.ofNullable(blankToNull(settings.get(SLOT))),
                errorRate,
                parseLong(settings, LATENCY_MS, 0, 0, Long.MAX_VALUE),
                Boolean.parseBoolean(Optional.ofNullable(blankToNull(settings.get(FAIL_HEALTH))).orElse("false")),
                parseLong(settings, FAIL_HEALTH_AFTER_REQUESTS, 0, 0, Long.MAX_VALUE),
                parseLong(settings, START_DELAY_MS, 0, 0, Long.MAX_VALUE),
                (int) parseLong(settings, THREADS, 16, 1, 1024));
    }

    /** The settings this config was made from, keyed by environment-variable name. */
    public Map<String, String> asSettings() {
        Map<String, String> settings = new HashMap<>();
        settings.put(PORT, String.valueOf(port));
        settings.put(VERSION, version);
        slot.ifPresent(s -> settings.put(SLOT, s));
        settings.put(ERROR_RATE, String.valueOf(errorRate));
        settings.put(LATENCY_MS, String.valueOf(latencyMs));
        settings.put(FAIL_HEALTH, String.valueOf(failHealth));
        settings.put(FAIL_HEALTH_AFTER_REQUESTS, String.valueOf(failHealthAfterRequests));
        settings.put(START_DELAY_MS, String.valueOf(startDelayMs));
        settings.put(THREADS, String.valueOf(threads));
        return settings;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static long parseLong(Map<String, String> settings, String key, long dflt, long min, long max) {
        String raw = blankToNull(settings.get(key));
        if (raw == null) {
            return dflt;
        }
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, was '" + raw + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    private static double parseDouble(Map<String, String> settings, String key, double dflt) {
        String raw = blankToNull(settings.get(key));
        if (raw == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, was '" + raw + "'");
        }
    }
}
