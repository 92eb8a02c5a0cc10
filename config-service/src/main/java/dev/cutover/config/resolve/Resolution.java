package dev.cutover.config.resolve;

import java.util.Map;

/** The answer to "what configuration does this deployment run with?". */
public sealed interface Resolution {

    /** {@code provenance}: dotted key → the layer that set it (base, environment:&lt;name&gt;, overrides). */
    record Resolved(String configHash, Map<String, Object> config, Map<String, String> provenance)
            implements Resolution {

        public Resolved(String configHash, Map<String, Object> config) {
            this(configHash, config, Map.of());
        }
    }

    record Rejected(Kind kind, String reason) implements Resolution {
    }

    /** Why a resolution was rejected (a bounded metric label). */
    enum Kind {
        UNKNOWN_ENVIRONMENT("unknown-environment"), INVALID_FILE("invalid-file"), INVALID_CONFIG("invalid-config");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
