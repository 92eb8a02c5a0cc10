package dev.cutover.e2e;

import dev.cutover.events.DeploymentRequestEvent.DeploymentRequested;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.local.CutoverClient;
import dev.cutover.local.LocalStack;
import dev.cutover.security.webhook.StandardWebhooks;
import dev.cutover.security.webhook.WebhookKey;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
                    // a malformed (but signed) record first: it must be dead-lettered without stopping the consumer
                    .when().publishSignedRaw(Topics.DEPLOYMENT_REQUESTS, "catalog/development", "{not json".getBytes(StandardCharsets.UTF_8))
                    .publishRequest("7.1.0", "blue-green")
                    .then().status("SUCCEEDED").routerAnswers("version=7.1.0");
        }

        List<ConsumerRecord<String, byte[]>> dead = readAll(Topics.deadLetter(Topics.DEPLOYMENT_REQUESTS));
        assertTrue(dead.stream().anyMatch(r -> new String(r.value(), StandardCharsets.UTF_8).equals("{not json")
                && header(r, "dead-letter-reason") != null), "malformed request not dead-lettered with a reason");
    }

    @Test
    void unsignedTamperedAndForeignRequestsAreDeadLetteredAndNeverDeploy() throws Exception {
        LocalStack stack = Stack.get();
        String app = "unsigned";
        DeploymentRequested unsigned = request(app, "1.0.0");
        DeploymentRequested tampered = request(app, "1.0.1");
        DeploymentRequested foreign = request(app, "1.0.2");
        byte[] tamperedValue = new String(KafkaMessages.value(tampered), StandardCharsets.UTF_8).replace("1.0.1", "6.6.6")
                .getBytes(StandardCharsets.UTF_8);
        Headers foreignHeaders = KafkaMessages.headers(foreign, "ci");
        StandardWebhooks.sign(WebhookKey.parse(WebhookKey.generate()), KafkaMessages.value(foreign))
                .forEach((k, v) -> foreignHeaders.add(k, v.getBytes(StandardCharsets.UTF_8)));
        foreignHeaders.add("cutover-ci-source", "somebody-else".getBytes(StandardCharsets.UTF_8));
        send(stack, KafkaMessages.key(unsigned), KafkaMessages.value(unsigned), KafkaMessages.headers(unsigned, "ci"));
        send(stack, KafkaMessages.key(tampered), tamperedValue,
                Scenario.signed(stack, KafkaMessages.headers(tampered, "ci"), KafkaMessages.value(tampered)));
        send(stack, KafkaMessages.key(foreign), KafkaMessages.value(foreign), foreignHeaders);

        Map<String, String> reasons = new java.util.HashMap<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (ConsumerRecord<String, byte[]> r : readAll(Topics.deadLetter(Topics.DEPLOYMENT_REQUESTS))) {
                String value = new String(r.value(), StandardCharsets.UTF_8);
                for (DeploymentRequested d : List.of(unsigned, tampered, foreign)) {
                    if (value.contains(d.meta().messageId())) {
                        reasons.put(d.version(), header(r, "dead-letter-reason"));
                    }
                }
            }
            return reasons.size() == 3;
        });
        assertTrue(reasons.get("1.0.0").startsWith("unsigned"), reasons::toString);
        assertTrue(reasons.get("1.0.1").startsWith("bad-signature"), reasons::toString);
        assertTrue(reasons.get("1.0.2").startsWith("unknown-source"), reasons::toString);
        CutoverClient client = stack.client("orchestrator-service");
        for (DeploymentRequested d : List.of(unsigned, tampered, foreign)) {
            assertEquals(null, client.deployment(d.meta().deploymentId()), "deployed " + d.version());
        }
    }

    private static DeploymentRequested request(String app, String version) {
        return new DeploymentRequested(Meta.start("ci-" + UUID.randomUUID()), new Target(app, "development"), version,
                Stack.get().sampleAppJar().toUri().toString(), "blue-green", Map.of());
    }

    private static void send(LocalStack stack, String key, byte[] value, Headers headers) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.DEPLOYMENT_REQUESTS, null, key, value, headers)).get();
        }
    }

    @Test
    void invalidRestRequestsAreRejectedWithProblemDetailsNamingTheField() {
        CutoverClient client = Stack.get().client("orchestrator-service");
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
