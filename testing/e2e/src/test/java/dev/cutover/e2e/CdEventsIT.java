package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.local.TrafficLoop;
import dev.cutover.orchestrator.cdevents.CdEventSchemas;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a CDEvents-speaking CI does, on the real stack: publish {@code artifact.published} as raw signed records
 * (binary mode, then structured mode, as kcat would), see the real deployment run, and read
 * {@code service.deployed}, {@code service.upgraded} and {@code service.rolledback} off {@code cutover.cdevents.out},
 * each valid against its CDEvents 0.5.1 schema.
 */
class CdEventsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IN = "cutover.cdevents.in";
    private static final String OUT = "cutover.cdevents.out";

    @Test
    void publishedArtifactsDeployAndServiceEventsComeOut() throws Exception {
        Deployments d = new Deployments("cdevents");
        String v1 = publish(d, "1.0.0", CanaryIT.FAST, false);
        JsonNode first = d.client.awaitTerminal(awaitDeployment(d, v1), Duration.ofMinutes(3));
        assertEquals("SUCCEEDED", first.path("status").asText(), first::toString);
        assertEmitted(first.path("id").asText(), "dev.cdevents.service.deployed.0.3.0", "1.0.0");

        String v2 = publish(d, "2.0.0", CanaryIT.FAST, true);
        JsonNode second = d.client.awaitTerminal(awaitDeployment(d, v2), Duration.ofMinutes(3));
        assertEquals("SUCCEEDED", second.path("status").asText(), second::toString);
        assertEmitted(second.path("id").asText(), "dev.cdevents.service.upgraded.0.3.0", "2.0.0");

        JsonNode third;
        // /health breaks after the first user request, i.e. once traffic is on the new version: rolled back
        try (TrafficLoop traffic = TrafficLoop.start(d.router(), 30)) {
            String v3 = publish(d, "3.0.0", CanaryIT.fast(CanaryIT.appEnv("SAMPLE_FAIL_HEALTH_AFTER_REQUESTS", "1")),
                    false);
            third = d.client.awaitTerminal(awaitDeployment(d, v3), Duration.ofMinutes(3));
        }
        assertEquals("ROLLED_BACK", third.path("status").asText(), third::toString);
        // the version running again is the one named
        assertEmitted(third.path("id").asText(), "dev.cdevents.service.rolledback.0.3.0", "2.0.0");
        assertEquals("ci:" + Scenario.CI_SOURCE, third.path("audit").path(0).path("subject").asText(),
                third::toString);
    }

    /** Publishes artifact.published for {@code version} of the sample app; returns the CloudEvent's id. */
    private static String publish(Deployments d, String version, Map<String, Object> overrides, boolean structured)
            throws Exception {
        String purl = "pkg:generic/" + d.app + "@" + version + "?checksum=sha256:" + d.stack.sampleAppSha256()
                + "&download_url=" + URLEncoder.encode(d.stack.sampleAppJar().toUri().toString(), StandardCharsets.UTF_8);
        ObjectNode cdevent = JSON.createObjectNode();
        cdevent.putObject("context").put("specversion", "0.5.1").put("id", UUID.randomUUID().toString())
                .put("source", "/ci/e2e").put("type", "dev.cdevents.artifact.published.0.3.0")
                .put("timestamp", Instant.now().toString());
        cdevent.putObject("subject").put("id", purl).putObject("content");
        cdevent.set("customData", JSON.valueToTree(Map.of("environment", "development",
                "overrides", d.overrides(overrides))));
        String ceId = UUID.randomUUID().toString();
        RecordHeaders headers = new RecordHeaders();
        byte[] value;
        if (structured) {
            ObjectNode envelope = JSON.createObjectNode().put("specversion", "1.0").put("id", ceId)
                    .put("source", "/ci/e2e").put("type", "dev.cdevents.artifact.published.0.3.0");
            envelope.set("data", cdevent);
            value = JSON.writeValueAsBytes(envelope);
            headers.add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        } else {
            value = JSON.writeValueAsBytes(cdevent);
            for (Map.Entry<String, String> h : Map.of("ce_specversion", "1.0", "ce_id", ceId, "ce_source", "/ci/e2e",
                    "ce_type", "dev.cdevents.artifact.published.0.3.0", "content-type", "application/json").entrySet()) {
                headers.add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, d.stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(IN, null, purl, value, Scenario.signed(d.stack, headers, value))).get();
        }
        return version;
    }

    /** The id of the deployment of {@code version}, once the orchestrator has it. */
    private static String awaitDeployment(Deployments d, String version) {
        AtomicReference<String> id = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (JsonNode dep : d.client.get("/deployments?application=" + d.app).body()) {
                if (version.equals(dep.path("version").asText())) {
                    id.set(dep.path("id").asText());
                }
            }
            return id.get() != null;
        });
        return id.get();
    }

    private static void assertEmitted(String deploymentId, String type, String artifactVersion) throws Exception {
        AtomicReference<JsonNode> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (ConsumerRecord<String, byte[]> r : RequestsTopicIT.readAll(OUT)) {
                JsonNode e = JSON.readTree(r.value());
                if (deploymentId.equals(e.at("/customData/deploymentId").asText())
                        && type.equals(RequestsTopicIT.header(r, "ce_type"))) {
                    found.set(e);
                }
            }
            return found.get() != null;
        });
        JsonNode event = found.get();
        System.out.println("[figures] CDEvent out: " + event);
        assertEquals(List.of(), CdEventSchemas.get().violations(event), event::toString);
        assertEquals("development", event.at("/subject/content/environment/id").asText());
        assertEquals(artifactVersion, event.at("/subject/content/artifactId").asText()
                .replaceAll("^pkg:generic/[^@]+@([^?]+).*$", "$1"));
    }
}
