package dev.cutover.events;

import java.util.Map;

/** What the config-service publishes, on {@link Topics#CONFIG_EVENTS}. */
@OnTopic(Topics.CONFIG_EVENTS)
public sealed interface ConfigEvent extends Event {

    /**
     * The configuration this deployment runs with. Secrets appear only as references
     * ({@code secret://name}), never as values.
     */
    @TypeName("dev.cutover.config.resolved.v1")
    record ConfigResolved(Meta meta, Target target, String configHash, Map<String, Object> config,
                          @OptionalField Map<String, String> provenance) implements ConfigEvent {

        /** Without provenance (dotted key → the layer that set it: base, environment:&lt;name&gt;, overrides). */
        public ConfigResolved(Meta meta, Target target, String configHash, Map<String, Object> config) {
            this(meta, target, configHash, config, null);
        }
    }

    /** The configuration cannot be resolved (unknown environment, invalid file): nothing is provisioned. */
    @TypeName("dev.cutover.config.rejected.v1")
    record ConfigRejected(Meta meta, Target target, String reason) implements ConfigEvent {
    }
}
