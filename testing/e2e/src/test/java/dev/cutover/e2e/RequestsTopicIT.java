package dev.cutover.e2e;

import dev.cutover.events.Topics;
import dev.cutover.local.CutoverClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What CI does: publish the request on Kafka instead of calling REST. Plus what bad input does. */
class RequestsTopicIT {

    @Test
    void requestPublishedOnTheRequestsTopicReachesTheSameEnd() throws Exception {
        try (Scenario s = new Scenario("catalog")) {
            s.given().settings(Map.of("health", Map.of("monitor-window-ms", 2000)))
                    // a malformed record first: it must be dead-lettered without stopping the consumer
                    .when().publishRaw(Topics.DEPLOYMENT_REQUESTS, "catalog/development", "{not json".getBytes(StandardCharsets.UTF_8))
                    .publishRequest("7.1.0", "blue-green")
                    .then().status("SUCCEEDED").routerAnswers("version=7.1.0");
        }

        List<ConsumerRecord<String, byte[]>> dead = readAll(Topics.deadLetter(Topics.DEPLOYMENT_REQUESTS));
        assertTrue(dead.stream().anyMatch(r -> new String(r.value(), StandardCharsets.UTF_8).equals("{not json")
                && header(r, "dead-letter-reason") != null), "malformed request not dead-lettered with a reason");
    }

    @Test
    void invalidRestRequestsAreRejectedWithProblemDetailsNamingTheField() {
        CutoverClient client = new CutoverClient(Stack.get().orchestratorUrl());
        CutoverClient.Response missing = client.deploy(Map.of("application", "shop", "environment", "development",
                "artifact", "file:/x.jar"));
        assertEquals(400, missing.status());
        assertTrue(missing.contentType().startsWith("application/problem+json"), missing.contentType());
        assertTrue(missing.body().toString().contains("version"), missing.body().toString());

        CutoverClient.Response strategy = client.deploy(Map.of("application", "shop", "environment", "development",
                "version", "9", "artifact", "file:/x.jar", "strategy", "big-bang"));
        assertEquals(400, strategy.status());
        assertTrue(strategy.body().toString().contains("strategy"), strategy.body().toString());

        CutoverClient.Response malformed = client.post("/deployments", "{\"application\":");
        assertEquals(400, malformed.status());
        assertTrue(malformed.contentType().startsWith("application/problem+json"), malformed.contentType());
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Stack.get().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return !records.isEmpty();
            });
        }
        return records;
    }
}
