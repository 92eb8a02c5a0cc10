package dev.cutover.healthmonitor.metrics.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader for the Prometheus text exposition format (0.0.4), just enough for the router's metrics: sample lines
 * {@code name{label="value",...} value [timestamp]}; comments and blank lines are skipped. No library in the
 * Quarkus BOM parses this format (client_java only writes it).
 */
public final class PrometheusText {

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private PrometheusText() {
    }

    /** @throws MetricsUnavailableException naming the line that cannot be read */
    public static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\n")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                samples.add(line(line));
            } catch (RuntimeException e) {
                throw new MetricsUnavailableException("unreadable metrics line " + lineNo + " (" + e.getMessage() + "): "
                        + (line.length() > 120 ? line.substring(0, 120) + "..." : line));
            }
        }
        return samples;
    }

    private static Sample line(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        String name = line.substring(0, i);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("no metric name");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                i = skipSpaces(line, i);
                if (i >= line.length()) {
                    throw new IllegalArgumentException("unterminated labels");
                }
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("label without a quoted value");
                }
                String label = line.substring(i, eq).strip();
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (true) {
                    if (j >= line.length()) {
                        throw new IllegalArgumentException("unterminated label value");
                    }
                    char c = line.charAt(j);
                    if (c == '\\' && j + 1 < line.length()) {
                        char next = line.charAt(j + 1);
                        value.append(next == 'n' ? '\n' : next);
                        j += 2;
                    } else if (c == '"') {
                        j++;
                        break;
                    } else {
                        value.append(c);
                        j++;
                    }
                }
                labels.put(label, value.toString());
                j = skipSpaces(line, j);
                if (j < line.length() && line.charAt(j) == ',') {
                    j++;
                }
                i = j;
            }
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        if (rest.length == 0 || rest[0].isEmpty()) {
            throw new IllegalArgumentException("no value");
        }
        return new Sample(name, labels, number(rest[0]));
    }

    /** Go-style floats as Prometheus writes them, including +Inf, -Inf and NaN. */
    public static double number(String s) {
        return switch (s) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
