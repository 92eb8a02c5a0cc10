package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.events.DeploymentRequestEvent.DeploymentRequested;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.local.CutoverClient;
import dev.cutover.local.LocalStack;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What CI does: publish the request on Kafka instead of calling REST. Plus what bad input does. */
class RequestsTopicIT {

    static LocalStack stack;
    static CutoverClient client;

    @BeforeAll
    static void startStack() {
        stack = Stack.get();
        client = new CutoverClient(stack.orchestratorUrl());
    }

    static KafkaProducer<String, byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    @Test
    void requestPublishedOnTheRequestsTopicReachesTheSameEnd() throws Exception {
        String app = "catalog";
        int routerPort = LocalStack.freePort();
        Map<String, Object> overrides = Map.of("router", Map.of("port", routerPort),
                "health", Map.of("monitor-window-ms", 2000), "app", Map.of("env", Map.of("E2E_APP", app)));
        String deploymentId = "ci-" + UUID.randomUUID();
        DeploymentRequested request = new DeploymentRequested(Meta.start(deploymentId), new Target(app, "development"),
                "7.1.0", stack.sampleAppJar().toUri().toString(), "blue-green", overrides);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            // a malformed record first: it must be dead-lettered without stopping the consumer
            producer.send(new ProducerRecord<>(Topics.DEPLOYMENT_REQUESTS, "catalog/development",
                    "{not json".getBytes(StandardCharsets.UTF_8))).get();
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.DEPLOYMENT_REQUESTS, null,
                    KafkaMessages.key(request), KafkaMessages.value(request), KafkaMessages.headers(request, "ci"));
            producer.send(record).get();
        }

        AtomicReference<JsonNode> view = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            view.set(client.deployment(deploymentId));
            return view.get() != null;
        });
        JsonNode done = client.awaitTerminal(deploymentId, Duration.ofMinutes(2));
        assertEquals("SUCCEEDED", done.path("status").asText(), done::toString);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + routerPort + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode());
        assertTrue(answer.body().contains("version=7.1.0"), answer.body());

        List<ConsumerRecord<String, byte[]>> dead = readAll(Topics.deadLetter(Topics.DEPLOYMENT_REQUESTS));
        assertTrue(dead.stream().anyMatch(r -> new String(r.value(), StandardCharsets.UTF_8).equals("{not json")
                && header(r, "dead-letter-reason") != null), "malformed request not dead-lettered with a reason");
    }

    @Test
    void invalidRestRequestsAreRejectedWithProblemDetailsNamingTheField() {
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
