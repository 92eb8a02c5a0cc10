package dev.cutover.azure.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * One request to the stand-in as a handler sees it: {@code path} without host and query (percent-decoded, case as
 * sent), {@code query} parameters, {@code headers} by lower-case name, {@code body} (JSON; {@link NullNode} when
 * empty or not JSON), {@code match} the route's pattern matched against the path (groups for the ids).
 */
public record ArmRequest(String method, String path, Map<String, String> query, Map<String, List<String>> headers,
                         JsonNode body, String rawBody, Matcher match) {

    /** The query's {@code api-version} (ARM refuses a call without one; the stand-in only records it). */
    public String apiVersion() {
        return query.get("api-version");
    }

    /** The first value of a header (lower-case name), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** A group of the route's pattern. */
    public String group(int index) {
        return match == null ? null : match.group(index);
    }

    /** A named group of the route's pattern. */
    public String group(String name) {
        return match == null ? null : match.group(name);
    }

    /** True when the body is a JSON object. */
    public boolean hasBody() {
        return body != null && body.isObject();
    }
}
