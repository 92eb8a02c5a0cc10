package dev.cutover.orchestrator.replication;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** How this orchestrator replica finds and is found by the others ({@code cutover.orchestrator.*}). */
@ConfigMapping(prefix = "cutover.orchestrator")
public interface ReplicationConfig {

    /** Where the other replicas reach this one's REST API; default {@code http://127.0.0.1:<http port>}. */
    Optional<String> advertisedUrl();

    /** This replica's name on the members topic; default a fresh one per start. */
    Optional<String> replicaId();

    /** Compacted topic of the replicas' partition claims. */
    @WithDefault("cutover.orchestrator.members")
    String membersTopic();

    /**
     * How long a write waits for a live owner of its target to be known (at start-up, during a take-over) before
     * it is answered 503 with Retry-After.
     */
    @WithDefault("10s")
    Duration ownerWait();

    /** How long a write forwarded to the owner may take. */
    @WithDefault("30s")
    Duration forwardTimeout();
}
