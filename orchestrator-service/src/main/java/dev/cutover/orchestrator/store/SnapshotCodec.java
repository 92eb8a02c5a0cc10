package dev.cutover.orchestrator.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cutover.orchestrator.model.Deployment;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A deployment as a full JSON snapshot. Unknown fields are ignored so older snapshots stay readable. */
public final class SnapshotCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

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
