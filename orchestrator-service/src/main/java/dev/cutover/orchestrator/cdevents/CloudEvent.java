package dev.cutover.orchestrator.cdevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A CloudEvent 1.0 as it arrives on Kafka or HTTP, in either content mode: <b>binary</b> (the attributes in
 * {@code ce_*} record headers or {@code ce-*} HTTP headers, the data as the value or body) or <b>structured</b>
 * ({@code content-type: application/cloudevents+json}, the attributes and {@code data} in one JSON object).
 * A CDEvent is the CloudEvent's data: {@code context}, {@code subject}, {@code customData}.
 */
public record CloudEvent(String id, String source, String type, String specversion, String time, JsonNode data) {

    public static final String STRUCTURED = "application/cloudevents+json";
    public static final String SPEC_VERSION = "1.0";

    /**
     * @param header a header's value by its name without the binding's prefix ({@code id}, {@code type}; for the
     *               content type: {@code content-type}), or null
     * @param prefix the binding's attribute prefix: {@code ce_} (Kafka) or {@code ce-} (HTTP)
     * @throws InvalidCloudEvent what is missing or unreadable
     */
    public static CloudEvent read(Function<String, String> header, String prefix, byte[] body, ObjectMapper json) {
        String contentType = header.apply("content-type");
        boolean structured = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(STRUCTURED);
        if (structured) {
            JsonNode envelope = parse(body, json, "the structured CloudEvent");
            if (!envelope.isObject()) {
                throw new InvalidCloudEvent("a structured CloudEvent must be a JSON object");
            }
            JsonNode data = envelope.get("data");
            if (data == null && envelope.hasNonNull("data_base64")) {
                data = parse(Base64.getDecoder().decode(envelope.get("data_base64").asText()), json, "data_base64");
            }
            return of(text(envelope, "id"), text(envelope, "source"), text(envelope, "type"),
                    text(envelope, "specversion"), text(envelope, "time"), data);
        }
        String type = header.apply(prefix + "type");
        if (type == null) {
            throw new InvalidCloudEvent("not a CloudEvent: neither " + prefix + "type nor content-type " + STRUCTURED);
        }
        return of(header.apply(prefix + "id"), header.apply(prefix + "source"), type,
                header.apply(prefix + "specversion"), header.apply(prefix + "time"),
                parse(body, json, "the CloudEvent's data"));
    }

    private static CloudEvent of(String id, String source, String type, String specversion, String time,
                                 JsonNode data) {
        for (Map.Entry<String, String> required : Map.of("id", nn(id), "source", nn(source), "type", nn(type),
                "specversion", nn(specversion)).entrySet()) {
            if (required.getValue().isBlank()) {
                throw new InvalidCloudEvent("the CloudEvent has no " + required.getKey());
            }
        }
        if (!SPEC_VERSION.equals(specversion)) {
            throw new InvalidCloudEvent("CloudEvents specversion " + specversion + " is not " + SPEC_VERSION);
        }
        if (data == null || !data.isObject()) {
            throw new InvalidCloudEvent("the CloudEvent's data must be a JSON object (a CDEvent)");
        }
        return new CloudEvent(id, source, type, specversion, time, data);
    }

    /** The structured form: the attributes and the data in one JSON object. */
    public ObjectNode structured(ObjectMapper json) {
        ObjectNode envelope = json.createObjectNode();
        envelope.put("specversion", specversion).put("id", id).put("source", source).put("type", type);
        if (time != null) {
            envelope.put("time", time);
        }
        envelope.put("datacontenttype", "application/json");
        envelope.set("data", data);
        return envelope;
    }

    private static String nn(String s) {
        return s == null ? "" : s;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static JsonNode parse(byte[] body, ObjectMapper json, String what) {
        if (body == null || body.length == 0) {
            throw new InvalidCloudEvent(what + " is empty");
        }
        try {
            return json.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidCloudEvent(what + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidCloudEvent(what + " cannot be read: " + e.getMessage());
        }
    }

    /** Not a CloudEvent Cutover can read, or not a CDEvent it accepts; the message says which part. */
    public static class InvalidCloudEvent extends IllegalArgumentException {
        public InvalidCloudEvent(String message) {
            super(message);
        }
    }
}
