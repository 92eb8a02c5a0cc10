package dev.cutover.events;

import java.util.Map;

/** Commands for the config-service, on {@link Topics#CONFIG_COMMANDS}. */
@OnTopic(Topics.CONFIG_COMMANDS)
public sealed interface ConfigCommand extends Command {

    /** Resolve base → environment → deployment overrides for this deployment. */
    @TypeName("dev.cutover.config.resolve.v1")
    record ResolveConfig(Meta meta, Target target, String version, @OptionalField Map<String, Object> overrides)
            implements ConfigCommand {
        public ResolveConfig {
            overrides = overrides == null ? Map.of() : overrides;
        }
    }
}
