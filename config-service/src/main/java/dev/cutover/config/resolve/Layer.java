package dev.cutover.config.resolve;

import java.util.Map;

/** One configuration layer and the name provenance reports for it (base, environment:&lt;name&gt;, overrides). */
public record Layer(String name, Map<String, ?> values) {
}
