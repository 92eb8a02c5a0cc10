package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.local.LocalStack;
import dev.cutover.local.TrafficLoop;
import dev.cutover.security.local.LocalSigningKey;
import dev.cutover.security.webhook.StandardWebhooks;
import dev.cutover.security.webhook.WebhookKey;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A known secret value (set for the test JVM by the failsafe config, read by the local secret store) is
 * used by deployments — one that succeeds, one that is rolled back, one whose other secret is missing — and
 * then looked for everywhere it must not be: service logs, every topic's records and headers, REST
 * responses and every /q/metrics. It must reach exactly one place: the instance's environment. The same search
 * covers the launcher's CI source HMAC key (used to sign requests on the topic and to the webhook endpoint), the
 * private parts of the local token signing key, and a bearer token used in the run.
 */
class RedactionIT {

    static final String SECRET = "e2e-s3cr3t-7f3a9c41d2";

    @Test
    void secretValuesNeverLeaveTheInstanceThatUsesThem() throws Exception {
        assertEquals(SECRET, System.getenv("CUTOVER_SECRET_E2E_DB_PASSWORD"), "failsafe must seed the secret");
        Deployments d = new Deployments("secretive");
        Map<String, Object> withSecret = CanaryIT.fast(Map.of("app", Map.of("env", Map.of("DB_PASSWORD", "secret://e2e-db-password"))));

        JsonNode v1 = d.run("1.0.0", "blue-green", withSecret);
        assertEquals("SUCCEEDED", v1.path("status").asText(), v1::toString);
        assertTrue(instanceEnvironmentsContain(d.app, "DB_PASSWORD=" + SECRET), "the instance got the value");

        // a deployment that fails after the switch and is rolled back, with the secret in use
        Map<String, Object> breaking = CanaryIT.fast(Map.of("app", Map.of("env", Map.of(
                "DB_PASSWORD", "secret://e2e-db-password", "SAMPLE_FAIL_HEALTH_AFTER_REQUESTS", "20"))));
        try (TrafficLoop traffic = TrafficLoop.start(d.router(), 60)) {
            JsonNode v2 = d.run("2.0.0", "blue-green", breaking);
            assertEquals("ROLLED_BACK", v2.path("status").asText(), v2::toString);
        }
        // a deployment whose second secret is missing: fails before anything starts
        JsonNode v3 = d.run("3.0.0", "blue-green", CanaryIT.fast(Map.of("app", Map.of("env", Map.of(
                "DB_PASSWORD", "secret://e2e-db-password", "API_KEY", "secret://e2e-missing-key")))));
        assertEquals("FAILED", v3.path("status").asText(), v3::toString);
        assertTrue(v3.path("reason").asText().contains("e2e-missing-key"), v3::toString);

        // the CI source key at work: a signed record (refused for its content) and webhooks, authentic and tampered
        WebhookKey ciKey = Scenario.ciKey(d.stack);
        List<String> responses = new ArrayList<>();
        byte[] unreadable = "{\"signed\": \"but not an event\"}".getBytes(StandardCharsets.UTF_8);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(producerProps(d.stack.bootstrapServers()),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(dev.cutover.events.Topics.DEPLOYMENT_REQUESTS,
                    null, d.app + "/development", unreadable, Scenario.signed(d.stack,
                    new org.apache.kafka.common.header.internals.RecordHeaders(), unreadable))).get();
        }
        byte[] invalid = "{\"application\":\"secretive\",\"environment\":\"development\"}".getBytes(StandardCharsets.UTF_8);
        responses.add(postWebhook(d.stack.orchestratorUrl(), StandardWebhooks.sign(ciKey, invalid), invalid, 400));
        responses.add(postWebhook(d.stack.orchestratorUrl(), StandardWebhooks.sign(ciKey, invalid),
                "{\"application\":\"tampered\"}".getBytes(StandardCharsets.UTF_8), 401));

        Map<String, String> needles = new java.util.LinkedHashMap<>();
        needles.put("secret value", SECRET);
        String ciKeyText = ciKeyText(d.stack);
        needles.put("CI source key", ciKeyText);
        needles.put("CI source key bytes (base64)", ciKeyText.substring(WebhookKey.PREFIX.length()));
        Map<String, String> signingKey = signingKeyParts(d.stack);
        assertTrue(signingKey.containsKey("d"), "the launcher's signing key has a private exponent: " + signingKey.keySet());
        signingKey.forEach((name, value) -> needles.put("signing key " + name, value));
        String token = d.stack.adminToken(); // the token the run's clients send (minted again every 5 minutes)
        needles.put("bearer token", token);
        needles.put("bearer token signature", token.substring(token.lastIndexOf('.') + 1));

        List<String> leaks = new ArrayList<>();
        int looked = 0;
        for (int i = 0; i < responses.size(); i++) {
            looked += check(needles, leaks, "POST /webhooks/local-ci #" + i, responses.get(i));
        }
        for (String service : LocalStack.SERVICES) {
            looked += check(needles, leaks, service + " /q/metrics", get(d.stack.serviceUrl(service).resolve("/q/metrics")));
        }
        looked += check(needles, leaks, "router /metrics", get(d.routerAdmin().resolve("/metrics")));
        looked += check(needles, leaks, "GET /deployments", get(d.stack.orchestratorUrl().resolve("/deployments")));
        for (String id : List.of(v1.path("id").asText(), v3.path("id").asText())) {
            looked += check(needles, leaks, "GET /deployments/" + id, get(d.stack.orchestratorUrl().resolve("/deployments/" + id)));
        }
        looked += check(needles, leaks, "GET /slots", get(d.stack.serviceUrl("provisioner-service").resolve("/slots")));
        looked += check(needles, leaks, "GET /environments/development/config",
                get(d.stack.serviceUrl("config-service").resolve("/environments/development/config")));
        try (Stream<Path> files = Files.walk(d.stack.logs())) {
            for (Path log : files.filter(Files::isRegularFile).toList()) {
                looked += check(needles, leaks, "log " + log.getFileName(), Files.readString(log, StandardCharsets.ISO_8859_1));
            }
        }
        for (Map.Entry<String, String> topic : allRecords(d.stack.bootstrapServers()).entrySet()) {
            looked += check(needles, leaks, "topic " + topic.getKey(), topic.getValue());
        }
        assertTrue(looked > 20, "looked at too few places: " + looked);
        assertEquals(List.of(), leaks, "secret value, key or token found in these places");
    }

    /** Counts one place looked at; records "{@code <needle name> in <where>}" for each needle found in it. */
    static int check(Map<String, String> needles, List<String> leaks, String where, String text) {
        assertFalse(text == null || text.isEmpty(), where + " gave nothing to look at");
        needles.forEach((name, value) -> {
            if (text.contains(value)) {
                leaks.add(name + " in " + where);
            }
        });
        return 1;
    }

    /** The launcher's CI source key as stored ({@code whsec_...}). */
    static String ciKeyText(LocalStack stack) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(stack.logs().getParent().resolve("secrets").resolve("orchestrator.properties"))) {
            p.load(in);
        }
        String key = p.getProperty("ci-local-ci");
        assertTrue(key != null && key.startsWith(WebhookKey.PREFIX), "the launcher's CI source key");
        return key;
    }

    /**
     * The private members (d, p, q, dp, dq, qi) of the launcher's local token signing key ({@code signing-key.jwk}
     * under the stack's work directory).
     */
    static Map<String, String> signingKeyParts(LocalStack stack) throws IOException {
        // (the launcher writes it to <work>/signing-key.jwk; searched so that a moved file is still found)
        Map<String, String> parts = new java.util.LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(stack.logs().getParent())) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals(LocalSigningKey.FILE_NAME)).toList()) {
                JsonNode jwk = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
                for (String member : List.of("d", "p", "q", "dp", "dq", "qi")) {
                    if (jwk.hasNonNull(member)) {
                        parts.put(member, jwk.get(member).asText());
                    }
                }
            }
        }
        return parts;
    }

    static String postWebhook(URI orchestrator, Map<String, String> headers, byte[] body, int expected)
            throws IOException, InterruptedException {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(orchestrator.resolve("/webhooks/local-ci"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), response::body);
        return response.headers().map() + response.body();
    }

    static Properties producerProps(String bootstrap) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        return props;
    }

    static String get(URI uri) throws IOException, InterruptedException {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(java.net.http.HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + Stack.get().adminToken()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> uri + " answered " + response.statusCode());
        return response.body();
    }

    /** Every record (key, value and headers) of every non-internal topic, as text per topic. */
    static Map<String, String> allRecords(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Set<String> topics;
        try (Admin admin = Admin.create(props)) {
            topics = admin.listTopics().names().get();
        }
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "redaction-" + System.nanoTime());
        Map<String, String> text = new java.util.TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    StringBuilder b = new StringBuilder();
                    if (r.key() != null) {
                        b.append(new String(r.key(), StandardCharsets.UTF_8));
                    }
                    if (r.value() != null) {
                        b.append(new String(r.value(), StandardCharsets.UTF_8));
                    }
                    for (Header h : r.headers()) {
                        b.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8));
                    }
                    text.merge(r.topic(), b.toString(), String::concat);
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        text.keySet().removeIf(t -> text.get(t).isEmpty());
        return text;
    }

    static boolean instanceEnvironmentsContain(String app, String entry) {
        return ProcessHandle.allProcesses().anyMatch(p -> {
            try {
                String env = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "environ"), StandardCharsets.ISO_8859_1);
                return env.contains("E2E_APP=" + app) && List.of(env.split("\0")).contains(entry);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        });
    }
}
