package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.events.DeploymentRequestEvent.DeploymentRequested;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.local.CutoverClient;
import dev.cutover.local.LocalStack;
import dev.cutover.local.TrafficLoop;
import dev.cutover.security.webhook.StandardWebhooks;
import dev.cutover.security.webhook.WebhookKey;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Given / When / Then for the end-to-end tests, in the spirit of argo-rollouts' {@code test/fixtures/{given,when,then}.go}:
 * one application behind its own router on the shared stack, the deployments made for it and the user traffic sent
 * through its router. Each step returns the next, so a test reads as its story:
 *
 * <pre>{@code
 * try (Scenario s = new Scenario("shop")) {
 *     s.given().settings(FAST).stable("1.0.0").traffic(100)
 *      .when().deploy("2.0.0", "canary")
 *      .then().status("SUCCEEDED").routerServesOnly("2.0.0").noFailedRequests();
 * }
 * }</pre>
 *
 * Closing it stops the traffic. What the steps assert is what the tests asserted by hand before.
 */
final class Scenario implements AutoCloseable {

    /** How long a deployment may take to end, from its request. */
    private static final Duration DEPLOYMENT = Duration.ofMinutes(3);
    /** How long a switch of the router or the stopping of old instances may take to settle. */
    private static final Duration SETTLE = Duration.ofSeconds(10);

    private final Deployments deployments;
    private Map<String, Object> settings = Map.of();
    private TrafficLoop traffic;
    private String id;
    private JsonNode view;
    private Duration lastDeployment;

    Scenario(String application) {
        deployments = new Deployments(application);
    }

    Given given() {
        return new Given();
    }

    When when() {
        return new When();
    }

    Then then() {
        return new Then();
    }

    /** The application's deployments, for what the steps do not cover. */
    Deployments deployments() {
        return deployments;
    }

    /** The id of the last deployment started. */
    String deploymentId() {
        return id;
    }

    /** The last view of the last deployment, as the orchestrator showed it. */
    JsonNode view() {
        return view;
    }

    /** The user traffic through the router (null before {@link Given#traffic}). */
    TrafficLoop traffic() {
        return traffic;
    }

    /** How long the last {@link When#deploy} took from its request to its end. */
    Duration lastDeployment() {
        return lastDeployment;
    }

    @Override
    public void close() {
        if (traffic != null) {
            traffic.close();
        }
    }

    /** The state the test starts from. */
    final class Given {

        /** Overrides every deployment of this scenario gets (under those of the deployment itself). */
        Given settings(Map<String, Object> overrides) {
            settings = overrides;
            return this;
        }

        /** {@code version} deployed blue-green and SUCCEEDED: the stable version the test starts from. */
        Given stable(String version) {
            when().deploy(version, "blue-green").then().status("SUCCEEDED");
            return this;
        }

        /** User traffic through the router from now on, {@code requestsPerSecond} a second. */
        Given traffic(int requestsPerSecond) {
            traffic = TrafficLoop.start(deployments.router(), requestsPerSecond);
            return this;
        }

        When when() {
            return Scenario.this.when();
        }

        Then then() {
            return Scenario.this.then();
        }
    }

    /** What the test does. */
    final class When {

        /** Deploys {@code version} and waits until the deployment has ended. */
        When deploy(String version, String strategy) {
            return deploy(version, strategy, Map.of());
        }

        /** Deploys {@code version} with {@code overrides} on top of the scenario's settings, until it has ended. */
        When deploy(String version, String strategy, Map<String, Object> overrides) {
            long t0 = System.nanoTime();
            start(version, strategy, overrides);
            view = deployments.client.awaitTerminal(id, DEPLOYMENT);
            lastDeployment = Duration.ofNanos(System.nanoTime() - t0);
            return this;
        }

        /** Requests {@code version} (accepted: 202) and goes on at once. */
        When start(String version, String strategy, Map<String, Object> overrides) {
            id = deployments.start(version, strategy, merged(overrides));
            return this;
        }

        /**
         * What CI does: publishes the request for {@code version} on the requests topic instead of calling REST,
         * then waits until the orchestrator knows the deployment (30 s) and until it has ended.
         */
        When publishRequest(String version, String strategy) throws Exception {
            Map<String, Object> overrides = deployments.overrides(merged(Map.of()));
            id = "ci-" + UUID.randomUUID();
            DeploymentRequested request = new DeploymentRequested(Meta.start(id), new Target(deployments.app, "development"),
                    version, deployments.stack.sampleAppJar().toUri().toString(), strategy, overrides);
            byte[] value = KafkaMessages.value(request);
            publish(new ProducerRecord<>(Topics.DEPLOYMENT_REQUESTS, null, KafkaMessages.key(request), value,
                    signed(deployments.stack, KafkaMessages.headers(request, "ci"), value)));
            await().atMost(Duration.ofSeconds(30)).until(() -> deployments.client.deployment(id) != null);
            return awaitTerminal(Duration.ofMinutes(2));
        }

        /** Publishes {@code value} as-is on {@code topic} (e.g. a malformed record) and waits for the broker's ack. */
        When publishRaw(String topic, String key, byte[] value) throws Exception {
            publish(new ProducerRecord<>(topic, key, value));
            return this;
        }

        /** {@link #publishRaw}, signed by the launcher's CI source: what is refused is then the content. */
        When publishSignedRaw(String topic, String key, byte[] value) throws Exception {
            publish(new ProducerRecord<>(topic, null, key, value, signed(deployments.stack, new RecordHeaders(), value)));
            return this;
        }

        /** Waits until the last deployment is in {@code status}; ending in another status fails. */
        When awaitStatus(String status) {
            view = deployments.awaitStatus(id, status);
            return this;
        }

        /** Waits (1 min) until the last deployment's view shows {@code what}; ending before that fails. */
        When awaitView(String what, Predicate<JsonNode> shows) {
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100)).until(() -> {
                view = deployments.client.deployment(id);
                if (CutoverClient.TERMINAL.contains(view.path("status").asText())) {
                    throw new AssertionError("ended before " + what + ": " + view.path("reason").asText());
                }
                return shows.test(view);
            });
            return this;
        }

        /** An operator action on the last deployment ({@code rollback}, {@code promote}…), accepted: 202. */
        When action(String action) {
            CutoverClient.Response response = deployments.action(id, action);
            assertEquals(202, response.status(), () -> action + " not accepted: " + response.body());
            return this;
        }

        /** Waits at most {@code atMost} until the last deployment has ended. */
        When awaitTerminal(Duration atMost) {
            view = deployments.client.awaitTerminal(id, atMost);
            return this;
        }

        /** Switches a fault on in the running instance of {@code version} (the sample app's POST /fault?{@code query}). */
        When fault(String version, String query) throws IOException, InterruptedException {
            HttpResponse<String> fault = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(deployments.instanceUrl(version) + "/fault?" + query))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, fault.statusCode(), fault.body());
            return this;
        }

        Then then() {
            return Scenario.this.then();
        }
    }

    /** What the test expects. */
    final class Then {

        /** The last deployment ended (or is) in {@code status}. */
        Then status(String status) {
            assertEquals(status, view.path("status").asText(), view::toString);
            return this;
        }

        /** Its analyses, as "VERDICT@canaryWeight" in order. */
        Then verdicts(String... verdicts) {
            assertEquals(List.of(verdicts), Scenario.verdicts(view), view::toString);
            return this;
        }

        /** Checks on the decision record of its first analysis. */
        Then firstDecision(Consumer<JsonNode> check) {
            JsonNode analyses = view.path("analyses");
            assertTrue(analyses.size() > 0, view::toString);
            check.accept(analyses.get(0).path("decision"));
            return this;
        }

        /** More than {@code count} requests through the router were answered (within 10 s). */
        Then answered(long count) {
            await().atMost(SETTLE).until(() -> traffic.ok() > count);
            return this;
        }

        /** Every answer so far came from {@code version}. */
        Then allAnswersFrom(String version) {
            assertEquals(List.of(version), List.copyOf(traffic.byVersion().keySet()), traffic::toString);
            return this;
        }

        /** After the switch settles, every new answer through the router comes from {@code version}. */
        Then routerServesOnly(String version) {
            assertServesOnly(traffic, version);
            return this;
        }

        /** The only instance of the application still running (the OS's word) is {@code version}'s. */
        Then onlyRunning(String version) {
            await().atMost(SETTLE).until(() -> Stack.runningVersions(deployments.app).equals(List.of(version)));
            return this;
        }

        /** No user request failed (errors a broken canary injects on purpose are counted apart). */
        Then noFailedRequests() {
            assertEquals(0, traffic.failed(), () -> "failed user requests: " + traffic.failures());
            return this;
        }

        Then noInjectedErrors() {
            assertEquals(0, traffic.injected(), traffic::toString);
            return this;
        }

        /** The broken canary's own errors reached users: it really did get traffic. */
        Then injectedErrorsSeen() {
            assertTrue(traffic.injected() > 0, "the broken canary's own errors were seen: " + traffic);
            return this;
        }

        Then sentMoreThan(long count) {
            assertTrue(traffic.sent() > count, traffic::toString);
            return this;
        }

        /** One request through the router is answered 200 with {@code bodyPart} in its body. */
        Then routerAnswers(String bodyPart) throws IOException, InterruptedException {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(deployments.router()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode());
            assertTrue(answer.body().contains(bodyPart), answer.body());
            return this;
        }

        When when() {
            return Scenario.this.when();
        }
    }

    /** After a switch settles, every new answer comes from {@code version}. */
    static void assertServesOnly(TrafficLoop traffic, String version) {
        traffic.resetVersionCounts();
        await().atMost(SETTLE).until(() -> traffic.byVersion().getOrDefault(version, 0L) >= 30);
        traffic.resetVersionCounts();
        await().atMost(SETTLE).until(() -> traffic.byVersion().getOrDefault(version, 0L) >= 60);
        assertEquals(List.of(version), List.copyOf(traffic.byVersion().keySet()), traffic::toString);
    }

    /** "VERDICT@weight" for each analysis in the view. */
    static List<String> verdicts(JsonNode view) {
        List<String> verdicts = new ArrayList<>();
        for (JsonNode analysis : view.path("analyses")) {
            verdicts.add(analysis.path("verdict").asText() + "@" + analysis.path("canaryWeight").asInt());
        }
        return verdicts;
    }

    private Map<String, Object> merged(Map<String, Object> overrides) {
        Map<String, Object> all = new LinkedHashMap<>(settings);
        Deployments.deepMerge(all, overrides);
        return all;
    }

    /** The CI source the launcher configures for the orchestrator (requests topic, POST /webhooks/local-ci). */
    static final String CI_SOURCE = LocalStack.CI_SOURCE;

    /** The launcher's CI source key (made on the stack's first start, owner-only). */
    static WebhookKey ciKey(LocalStack stack) {
        return stack.ciKey();
    }

    /** {@code headers} plus the Standard Webhooks signature of {@code value} and the source header. */
    static Headers signed(LocalStack stack, Headers headers, byte[] value) {
        StandardWebhooks.sign(ciKey(stack), value).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        headers.add("cutover-ci-source", CI_SOURCE.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private void publish(ProducerRecord<String, byte[]> record) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, deployments.stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            assertNotNull(producer.send(record).get());
        }
    }
}
