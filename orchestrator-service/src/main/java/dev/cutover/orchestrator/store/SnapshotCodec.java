package dev.cutover.orchestrator.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.events.MessageCodec;
import dev.cutover.orchestrator.model.Deployment;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A deployment as a full JSON snapshot. Unknown fields are ignored so older snapshots stay readable. */
public final class SnapshotCodec {

    /** The JSON conventions of the wire: ISO instants, nulls left out, unknown fields ignored. */
    private static final ObjectMapper MAPPER = MessageCodec.mapper();

    private SnapshotCodec() {
    }

    public static byte[] encode(Deployment d) {
        try {
            return MAPPER.writeValueAsBytes(d);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode deployment " + d.id(), e);
        }
    }

    public static Deployment decode(byte[] json) {
        try {
            return MAPPER.readValue(json, Deployment.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode deployment snapshot", e);
        }
    }
}
