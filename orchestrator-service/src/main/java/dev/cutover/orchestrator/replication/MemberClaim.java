package dev.cutover.orchestrator.replication;

import java.time.Instant;
import java.util.List;

/**
 * What one replica says on the members topic each time its partitions change: who it is, where its REST API
 * answers, which partitions of the inbox topics it owns now, and when it said so.
 */
public record MemberClaim(String replicaId, String url, List<Integer> partitions, Instant at) {

    public MemberClaim {
        partitions = partitions == null ? List.of() : List.copyOf(partitions);
    }
}
