package dev.cutover.config.resolve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep merge of configuration layers (base → environment → overrides). Maps merge recursively and later
 * layers win; lists and scalars replace. A {@code null} value in a later layer removes the key (as in Helm
 * values), a {@code null} layer is skipped. Inputs are never modified: the result is a deep copy.
 */
public final class ConfigMerge {

    private ConfigMerge() {
    }

    public static Map<String, Object> merge(List<? extends Map<String, ?>> layers) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (Map<String, ?> layer : layers) {
            if (layer != null) {
                mergeInto(result, layer);
            }
        }
        return result;
    }

    /** The merged configuration and, for every leaf (dotted path), the name of the layer that set it. */
    public record Merged(Map<String, Object> config, Map<String, String> provenance) {
    }

    /** Like {@link #merge} and records which layer set each leaf; a removed key loses its provenance. */
    public static Merged mergeWithProvenance(List<Layer> layers) {
        Map<String, Object> result = new LinkedHashMap<>();
        Map<String, String> provenance = new java.util.TreeMap<>();
        for (Layer layer : layers) {
            if (layer.values() != null) {
                mergeInto(result, layer.values());
                record(layer.values(), "", layer.name(), provenance);
            }
        }
        return new Merged(result, provenance);
    }

    private static void record(Map<?, ?> layer, String prefix, String name, Map<String, String> provenance) {
        for (Map.Entry<?, ?> entry : layer.entrySet()) {
            String path = prefix + entry.getKey();
            Object value = entry.getValue();
            if (value instanceof Map<?, ?> map) {
                // maps merge: only what this layer names below the path changes hands; an empty map adds nothing
                if (map.isEmpty()) {
                    if (provenance.keySet().stream().noneMatch(p -> p.equals(path) || p.startsWith(path + "."))) {
                        provenance.put(path, name);
                    }
                } else {
                    provenance.remove(path);
                    record(map, path + ".", name, provenance);
                }
            } else {
                // a scalar, list, empty map or null replaces everything earlier layers set at or below the path
                provenance.keySet().removeIf(p -> p.equals(path) || p.startsWith(path + "."));
                if (value != null) {
                    provenance.put(path, name);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void mergeInto(Map<String, Object> target, Map<?, ?> layer) {
        for (Map.Entry<?, ?> entry : layer.entrySet()) {
            String key = String.valueOf(entry.getKey());
            Object value = entry.getValue();
            if (value == null) {
                target.remove(key);
            } else if (value instanceof Map<?, ?> map) {
                Object existing = target.get(key);
                // existing maps in target are already our own copies, safe to merge into
                Map<String, Object> into = existing instanceof Map<?, ?> ? (Map<String, Object>) existing
                        : new LinkedHashMap<>();
                mergeInto(into, map);
                target.put(key, into);
            } else {
                target.put(key, copy(value));
            }
        }
    }

    private static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            mergeInto(copy, map);
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object item : list) {
                copy.add(item == null ? null : copy(item));
            }
            return copy;
        }
        return value;
    }
}
