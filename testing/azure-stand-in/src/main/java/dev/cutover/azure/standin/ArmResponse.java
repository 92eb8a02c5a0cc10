package dev.cutover.azure.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/** What the stand-in answers: a status, headers and an optional JSON body. */
public record ArmResponse(int status, Map<String, String> headers, JsonNode body) {

    public ArmResponse {
        headers = new LinkedHashMap<>(headers == null ? Map.of() : headers);
    }

    public static ArmResponse json(int status, JsonNode body) {
        return new ArmResponse(status, Map.of(), body);
    }

    public static ArmResponse ok(JsonNode body) {
        return json(200, body);
    }

    /** A status without body (204 No Content, 202 Accepted of an action). */
    public static ArmResponse empty(int status) {
        return new ArmResponse(status, Map.of(), null);
    }

    /**
     * ARM's error body: {@code {"error": {"code": ..., "message": ...}}} (codes as ARM uses them:
     * {@code ResourceNotFound}, {@code ResourceGroupNotFound}, {@code Conflict}, {@code AuthenticationFailed}, ...).
     */
    public static ArmResponse error(int status, String code, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return json(status, body);
    }

    /** This response with one more header. */
    public ArmResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new ArmResponse(status, copy, body);
    }
}
