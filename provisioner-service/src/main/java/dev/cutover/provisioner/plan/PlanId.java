package dev.cutover.provisioner.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A plan's id: the SHA-256 of its desired state as canonical JSON (keys sorted), so the same desired state always
 * has the same id and any change in it, however small, gives another: an apply naming a reviewed plan proves
 * nothing was added since the review.
 */
public final class PlanId {

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private PlanId() {
    }

    /** {@code "sha256:" + hex} of {@code desired}. */
    public static String of(Object desired) {
        try {
            byte[] json = CANONICAL.writeValueAsBytes(desired);
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a desired state", e);
        }
    }

    /** For messages: the first 12 hex digits. */
    public static String shortId(String id) {
        return id == null ? "none" : id.substring(0, Math.min(id.length(), "sha256:".length() + 12));
    }
}
