package dev.cutover.provisioner.azure.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * One resource as the plan wants it: its ARM {@code id}, {@code type}, the {@code apiVersion} it is read and written
 * with, and the {@code body} a PUT creating it sends. {@code createOnly}: property paths (prefixes) sent when creating
 * but then left to others and never compared (a scale set's VM model is the slot provider's; a capacity under
 * autoscale is the autoscaler's).
 */
public record DesiredResource(String id, String type, String apiVersion, ObjectNode body, List<String> createOnly) {

    public DesiredResource {
        createOnly = createOnly == null ? List.of() : List.copyOf(createOnly);
    }

    public boolean compared(String path) {
        return createOnly.stream().noneMatch(p -> path.equals(p) || path.startsWith(p + ".")
                || path.startsWith(p + "["));
    }
}
