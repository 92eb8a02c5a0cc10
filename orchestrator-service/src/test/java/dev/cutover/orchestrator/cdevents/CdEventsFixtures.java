package dev.cutover.orchestrator.cdevents;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** CDEvents as CI would publish them. */
final class CdEventsFixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    private CdEventsFixtures() {
    }

    /** {@code dev.cdevents.artifact.published.0.3.0} of {@code purl}, with {@code customData} when not null. */
    static ObjectNode artifactPublished(String purl, Map<String, Object> customData) {
        ObjectNode event = JSON.createObjectNode();
        event.putObject("context").put("specversion", "0.5.1").put("id", UUID.randomUUID().toString())
                .put("source", "/ci/pipelines/42").put("type", "dev.cdevents.artifact.published.0.3.0")
                .put("timestamp", Instant.now().toString());
        event.putObject("subject").put("id", purl).put("source", "/ci/pipelines/42").putObject("content")
                .put("user", "ci-bot");
        if (customData != null) {
            event.set("customData", JSON.valueToTree(customData));
        }
        return event;
    }
}
