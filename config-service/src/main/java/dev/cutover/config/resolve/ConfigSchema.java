package dev.cutover.config.resolve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which keys a configuration may have and of what type, from {@code cutover-config/schema.yaml}: a flat map of
 * dotted key → type ({@code integer}, {@code number}, {@code boolean}, {@code string}, {@code list},
 * {@code integer-list}, {@code map}). Below a {@code map} key any names are allowed (e.g. {@code app.env}).
 * Every problem names the key and the layer that set it, so a typo in an override is found where it was made.
 */
public final class ConfigSchema {

    private final Map<String, String> types;

    public ConfigSchema(Map<String, String> types) {
        this.types = Map.copyOf(types);
    }

    public static ConfigSchema load(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream("cutover-config/schema.yaml")) {
            if (in == null) {
                throw new IllegalStateException("cutover-config/schema.yaml is missing from the classpath");
            }
            Map<String, Object> raw = new ObjectMapper(new YAMLFactory()).readValue(in, LinkedHashMap.class);
            Map<String, String> types = new LinkedHashMap<>();
            raw.forEach((key, type) -> types.put(key, String.valueOf(type)));
            return new ConfigSchema(types);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read cutover-config/schema.yaml", e);
        }
    }

    /** Unknown keys and wrong types, each naming the key and the layer that set it. */
    public List<String> check(ConfigMerge.Merged merged) {
        List<String> errors = new ArrayList<>();
        walk(merged.config(), "", merged.provenance(), errors);
        return errors;
    }

    private void walk(Map<?, ?> node, String prefix, Map<String, String> provenance, List<String> errors) {
        for (Map.Entry<?, ?> entry : node.entrySet()) {
            String path = prefix + entry.getKey();
            Object value = entry.getValue();
            String type = types.get(path);
            if (type == null) {
                if (value instanceof Map<?, ?> map && isSection(path)) {
                    walk(map, path + ".", provenance, errors);
                } else {
                    errors.add("unknown key '" + path + "'" + from(path, provenance));
                }
            } else if (!matches(type, value)) {
                errors.add(path + " must be " + article(type) + from(path, provenance));
            }
        }
    }

    private boolean isSection(String path) {
        return types.keySet().stream().anyMatch(k -> k.startsWith(path + "."));
    }

    static boolean matches(String type, Object value) {
        return switch (type) {
            case "integer" -> value instanceof Integer || value instanceof Long
                    || (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && !(value instanceof Float));
            case "number" -> value instanceof Number;
            case "boolean" -> value instanceof Boolean;
            case "string" -> value instanceof String;
            case "list" -> value instanceof List<?>;
            case "integer-list" -> value instanceof List<?> list && list.stream().allMatch(v -> matches("integer", v));
            case "map" -> value instanceof Map<?, ?>;
            default -> throw new IllegalStateException("unknown schema type " + type);
        };
    }

    private static String article(String type) {
        return switch (type) {
            case "integer" -> "an integer";
            case "integer-list" -> "a list of integers";
            default -> "a " + type;
        };
    }

    /** " (set by layer 'overrides')" for the leaf at or below {@code path}. */
    static String from(String path, Map<String, String> provenance) {
        String layer = provenance.get(path);
        if (layer == null) {
            layer = provenance.entrySet().stream().filter(e -> e.getKey().startsWith(path + "."))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
        return layer == null ? " (no layer sets it)" : " (set by layer '" + layer + "')";
    }
}
