package dev.cutover.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What every message carries: its own id (for dedupe), the deployment it belongs to, the id of the
 * conversation it is part of (correlation) and of the message that caused it (causation).
 */
public record Meta(String messageId, @OptionalField String deploymentId, @OptionalField String correlationId,
                   @OptionalField String causationId,
                   Instant occurredAt) {

    public Meta {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    /** The first message of a deployment: it correlates to itself. */
    public static Meta start(String deploymentId) {
        String id = UUID.randomUUID().toString();
        return new Meta(id, deploymentId, id, null, Instant.now());
    }

    /** A message caused by {@code cause}: same deployment and correlation, new id. */
    public static Meta causedBy(Meta cause) {
        return new Meta(UUID.randomUUID().toString(), cause.deploymentId(), cause.correlationId(),
                cause.messageId(), Instant.now());
    }
}
