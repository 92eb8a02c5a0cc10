package dev.cutover.config.resolve;

import java.util.Map;

/** The answer to "what configuration does this deployment run with?". */
public sealed interface Resolution {

    record Resolved(String configHash, Map<String, Object> config) implements Resolution {
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
