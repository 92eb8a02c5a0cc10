package dev.cutover.provisioner.azure.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.events.InfrastructurePlan.PropertyChange;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.StreamSupport;

/**
 * Compares a desired resource with what ARM has, property by property. Bodies are flattened to paths
 * ({@code sku.capacity}, {@code properties.siteConfig.minTlsVersion}); array elements that have a {@code name} (rules,
 * subnets) are addressed by it ({@code properties.securityRules[allow-443].properties.destinationPortRange}) with
 * {@code [*]} listing the names, so an extra or missing element shows; other elements by index. Only the desired
 * paths count: ARM adds read-only properties (provisioning state, principal ids, defaults) that are not the plan's.
 * Values compare case-insensitively (ARM normalises the case of some enum values).
 */
public final class ResourceDiff {

    static final String ANY_OBJECT = "{}";

    private ResourceDiff() {
    }

    /** The property changes from {@code existing} to {@code desired} (all of them, from absent, if it does not exist). */
    public static List<PropertyChange> changes(DesiredResource desired, JsonNode existing) {
        SortedMap<String, String> want = flatten(desired.body());
        SortedMap<String, String> have = existing == null ? new TreeMap<>() : flatten(existing);
        List<PropertyChange> changes = new ArrayList<>();
        for (Map.Entry<String, String> e : want.entrySet()) {
            String path = e.getKey();
            if (existing != null && !desired.compared(path)) {
                continue;
            }
            String from = have.get(path);
            if (ANY_OBJECT.equals(e.getValue()) && from == null
                    && have.keySet().stream().anyMatch(k -> k.startsWith(path + "."))) {
                from = ANY_OBJECT;
            }
            if (from == null || !from.equalsIgnoreCase(e.getValue())) {
                changes.add(new PropertyChange(path, from, e.getValue()));
            }
        }
        return changes;
    }

    /** Every leaf of {@code node} by path. */
    public static SortedMap<String, String> flatten(JsonNode node) {
        SortedMap<String, String> out = new TreeMap<>();
        flatten("", node, out);
        return out;
    }

    private static void flatten(String path, JsonNode node, SortedMap<String, String> out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (node.isObject()) {
            if (node.isEmpty()) {
                out.put(path, ANY_OBJECT);
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                flatten(path.isEmpty() ? f.getKey() : path + "." + f.getKey(), f.getValue(), out);
            }
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.put(path, "[]");
                return;
            }
            boolean named = StreamSupport.stream(node.spliterator(), false)
                    .allMatch(e -> e.isObject() && e.path("name").isTextual());
            if (named) {
                out.put(path + "[*]", String.join(",", StreamSupport.stream(node.spliterator(), false)
                        .map(e -> e.path("name").asText()).sorted().toList()));
                for (JsonNode e : node) {
                    flatten(path + "[" + e.path("name").asText() + "]", e, out);
                }
            } else {
                for (int i = 0; i < node.size(); i++) {
                    flatten(path + "[" + i + "]", node.get(i), out);
                }
            }
        } else {
            out.put(path, node.asText());
        }
    }

    /**
     * What an update PUTs: {@code existing} with the desired properties laid over it (objects merged, arrays and
     * values replaced), so what others set on the resource (a slot provider's app model) stays, while createOnly
     * paths keep their existing values.
     */
    public static ObjectNode merged(DesiredResource desired, JsonNode existing) {
        ObjectNode body = existing.deepCopy();
        ObjectNode overlay = desired.body().deepCopy();
        for (String path : desired.createOnly()) {
            remove(overlay, path);
        }
        merge(body, overlay);
        return body;
    }

    private static void remove(ObjectNode node, String path) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            node.remove(path);
            return;
        }
        JsonNode child = node.get(path.substring(0, dot));
        if (child instanceof ObjectNode o) {
            remove(o, path.substring(dot + 1));
        }
    }

    private static void merge(ObjectNode target, ObjectNode overlay) {
        for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode current = target.get(f.getKey());
            if (current instanceof ObjectNode c && f.getValue() instanceof ObjectNode o && !o.isEmpty()) {
                merge(c, o);
            } else if (!(current instanceof ObjectNode && f.getValue().isObject() && f.getValue().isEmpty())) {
                target.set(f.getKey(), f.getValue().deepCopy());
            }
        }
    }
}
