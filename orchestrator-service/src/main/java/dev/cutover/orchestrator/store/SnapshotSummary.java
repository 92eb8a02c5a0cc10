package dev.cutover.orchestrator.store;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.model.Deployment;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the index needs of a deployment without its snapshot: which target, its status, when it was created, and the
 * target kind its configuration resolved to. Every snapshot record carries it as headers, so a replica reading the
 * state topic decodes only the snapshots that can still change (not terminal) and keeps the rest as a position to
 * read back when asked: the first read after a restart does not decode the whole history.
 *
 * @param targetKind the {@code target.kind} of its resolved configuration, when the configuration (not the request's
 *                   overrides) chose it; what a later request on the target is checked against. Null otherwise
 * @param position   where the snapshot is on the state topic; null for one not written there (tests)
 */
public record SnapshotSummary(String id, Target target, DeploymentStatus status, Instant createdAt, String targetKind,
                              Position position) {

    /** A record's place on the state topic. */
    public record Position(int partition, long offset) {
    }

    static final String STATUS = "cutover-status";
    static final String TARGET = "cutover-target";
    static final String CREATED_AT = "cutover-created-at";
    static final String TARGET_KIND = "cutover-target-kind";

    public boolean terminal() {
        return status.terminal();
    }

    public static SnapshotSummary of(Deployment d, Position position) {
        return new SnapshotSummary(d.id(), d.target(), d.status(), d.createdAt(), configuredTargetKind(d), position);
    }

    /** The target kind the deployment's configuration (not its own overrides) resolved to, or null. */
    static String configuredTargetKind(Deployment d) {
        boolean fromOverrides = d.provenance() != null && "overrides".equals(d.provenance().get("target.kind"));
        if (d.settings() == null || d.settings().target() == null || fromOverrides) {
            return null;
        }
        return d.settings().targetKind();
    }

    /** The headers a snapshot record of {@code d} is written with. */
    static List<Header> headers(Deployment d) {
        List<Header> headers = new ArrayList<>(4);
        headers.add(header(STATUS, d.status().name()));
        headers.add(header(TARGET, d.target().key()));
        headers.add(header(CREATED_AT, d.createdAt().toString()));
        String kind = configuredTargetKind(d);
        if (kind != null) {
            headers.add(header(TARGET_KIND, kind));
        }
        return headers;
    }

    /**
     * The summary a record's headers give, or null when it has none or they do not parse (a snapshot written before
     * they existed, or by another tool): such a record is decoded instead.
     */
    static SnapshotSummary read(String id, Headers headers, Position position) {
        String status = text(headers, STATUS);
        String target = text(headers, TARGET);
        String createdAt = text(headers, CREATED_AT);
        if (id == null || status == null || target == null || createdAt == null) {
            return null;
        }
        try {
            Instant created = FastInstantDeserializer.parse(createdAt);
            return new SnapshotSummary(id, Target.parse(target), DeploymentStatus.valueOf(status),
                    created != null ? created : Instant.parse(createdAt), text(headers, TARGET_KIND), position);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Headers headers, String key) {
        Header h = headers == null ? null : headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
