package dev.cutover.orchestrator.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The fast path reads exactly what java.time reads for canonical instants, and hands everything else back. */
class FastInstantDeserializerTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-02T05:40:39Z", "2026-12-02T05:40:39.1Z", "2026-12-02T05:40:39.123Z",
            "2026-12-02T05:40:39.123456Z", "2026-12-02T05:40:39.123456789Z", "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59.999Z", "1969-12-31T23:59:59.5Z"})
    void canonicalInstantsAreReadAsJavaTimeReadsThem(String text) {
        assertEquals(Instant.parse(text), FastInstantDeserializer.parse(text));
    }

    @Test
    void whatTheWireWritesIsReadBack() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(0, 4_102_444_800L), random.nextInt(1_000_000_000));
            if (i % 3 == 0) {
                instant = Instant.ofEpochMilli(instant.toEpochMilli());
            }
            assertEquals(instant, FastInstantDeserializer.parse(instant.toString()), instant.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-02T05:40:39+01:00", "2026-12-02T05:40:39", "2026-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-02T24:00:00Z", "2026-12-02T05:60:39Z",
            "2026-12-02T05:40:39.Z", "2026-12-02T05:40:39.1234567891Z", "2026-12-02 05:40:39Z", "+12026-12-02T05:40:39Z",
            "2026-12-02T05:40:3xZ", "1733117839"})
    void anythingElseIsLeftToJackson(String text) {
        assertNull(FastInstantDeserializer.parse(text));
    }

    @Test
    void aSnapshotWithOffsetInstantsDecodesToTheSameDeployment() throws java.io.IOException {
        String json;
        try (var in = getClass().getResourceAsStream("/snapshots/v0.1.0/canary-paused-analysis.json")) {
            json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String offsets = json.replaceAll("(\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?)Z\"", "$1+00:00\"");
        org.junit.jupiter.api.Assertions.assertNotEquals(json, offsets);
        assertEquals(SnapshotCodec.decode(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                SnapshotCodec.decode(offsets.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
