package dev.cutover.orchestrator.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.Violation;
import dev.cutover.orchestrator.service.DeploymentRequestValidator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the POST body by hand, so that malformed JSON and wrong JSON types become the same 400 problem as
 * any other invalid field instead of a framework error page.
 */
final class DeploymentRequestParser {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Exactly one of request / violations is set. */
    record Parsed(DeploymentRequest request, List<Violation> violations) {
    }

    private DeploymentRequestParser() {
    }

    static Parsed parse(String body) {
        if (body == null || body.isBlank()) {
            return invalid(new Violation("body", "must be a JSON object with application, environment, version "
                    + "and artifact"));
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (Exception e) {
            return invalid(new Violation("body", "malformed JSON: " + firstLine(e.getMessage())));
        }
        if (json == null || !json.isObject()) {
            return invalid(new Violation("body", "must be a JSON object"));
        }
        List<Violation> violations = new ArrayList<>();
        String application = text(json, "application", violations);
        String environment = text(json, "environment", violations);
        String version = text(json, "version", violations);
        String artifact = text(json, "artifact", violations);
        String strategy = text(json, "strategy", violations);
        String onConflict = text(json, "onConflict", violations);
        Map<String, Object> overrides = null;
        JsonNode o = json.get("overrides");
        if (o != null && !o.isNull()) {
            if (o.isObject()) {
                overrides = MAPPER.convertValue(o, new TypeReference<Map<String, Object>>() {
                });
            } else {
                violations.add(new Violation("overrides", "must be a JSON object"));
            }
        }
        DeploymentRequest request = new DeploymentRequest(application, environment, version, artifact, strategy,
                overrides, onConflict);
        // a field with the wrong type is reported once, as a type error
        Set<String> typeErrors = new HashSet<>();
        violations.forEach(v -> typeErrors.add(v.field()));
        DeploymentRequestValidator.validate(request).stream().filter(v -> !typeErrors.contains(v.field()))
                .forEach(violations::add);
        return violations.isEmpty() ? new Parsed(request, List.of()) : new Parsed(null, List.copyOf(violations));
    }

    /** An operator action's optional body: {"reason": "...", "by": "..."}; anything unreadable is a 400. */
    record ActionBody(String by, String reason, String onConflict, List<Violation> violations) {
    }

    static ActionBody action(String body) {
        if (body == null || body.isBlank()) {
            return new ActionBody(null, null, null, List.of());
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (Exception e) {
            return new ActionBody(null, null, null, List.of(new Violation("body", "malformed JSON: "
                    + firstLine(e.getMessage()))));
        }
        if (json == null || !json.isObject()) {
            return new ActionBody(null, null, null, List.of(new Violation("body", "must be a JSON object")));
        }
        List<Violation> violations = new ArrayList<>();
        String by = text(json, "by", violations);
        String reason = text(json, "reason", violations);
        String onConflict = text(json, "onConflict", violations);
        if (onConflict != null && !DeploymentRequestValidator.CONFLICT_POLICIES.contains(onConflict)) {
            violations.add(new Violation("onConflict", "unknown policy '" + onConflict + "'; known: "
                    + String.join(", ", DeploymentRequestValidator.CONFLICT_POLICIES)));
        }
        return new ActionBody(by, reason, onConflict, List.copyOf(violations));
    }

    private static String text(JsonNode json, String field, List<Violation> violations) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            violations.add(new Violation(field, "must be a string"));
            return null;
        }
        return value.asText();
    }

    private static Parsed invalid(Violation v) {
        return new Parsed(null, List.of(v));
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
