package dev.cutover.orchestrator.messaging;

import dev.cutover.events.DeploymentEvent.DeploymentAccepted;
import dev.cutover.events.DeploymentRequestEvent.DeploymentRequested;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.orchestrator.testing.FlowTest;
import dev.cutover.orchestrator.webhook.CiSources;
import dev.cutover.security.webhook.StandardWebhooks;
import dev.cutover.security.webhook.WebhookKey;
import dev.cutover.testing.kafka.KafkaBroker;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the real broker: requests on the topic that are unsigned, tampered, from an unknown source, stale or replayed
 * go to the dead-letter topic with the reason's kind, and none becomes a deployment; the consumer keeps going and
 * a valid request afterwards is a deployment requested by {@code ci:<source>}.
 */
@QuarkusTest
class SignedRequestsTest extends FlowTest {

    private static final Set<String> KINDS = Set.of("unsigned", "malformed", "bad-signature", "unknown-source",
            "stale", "replayed");

    @Test
    void mutatedRequestsAreDeadLetteredWithTheReasonAndNeverDeploy() {
        Target target = new Target("signed-mutations", "test");
        Random random = new Random(4);
        WebhookKey otherKey = WebhookKey.parse(WebhookKey.generate());
        long started = System.nanoTime();
        int n = 0;
        for (int base = 0; base < 16; base++) {
            DeploymentRequested request = request(target, "1.0." + base);
            byte[] body = KafkaMessages.value(request);
            Map<String, String> good = CiSourceKeys.signedHeaders(request);
            for (Mutation m : mutations(request, good, body, otherKey, random)) {
                kafka.sendRaw(Topics.DEPLOYMENT_REQUESTS, target.key(), m.headers(), m.body());
                n++;
            }
        }
        int count = n;
        assertTrue(count >= 300, "only " + count + " mutations");

        // every one dead-lettered (the dead letter keeps key and value, not the headers), each with a reason
        String dlq = Topics.deadLetter(Topics.DEPLOYMENT_REQUESTS);
        kafka.awaitRecord(dlq, r -> target.key().equals(r.key())); // the dead-letter topic exists now
        dlqReader = new KafkaTestClient(KafkaBroker.shared().bootstrapServers(), dlq);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                dead(target.key()).size() >= count);
        List<ConsumerRecord<String, byte[]>> dead = dead(target.key());
        assertEquals(count, dead.size());
        Map<String, Long> kinds = dead.stream().map(r -> {
            String why = KafkaTestClient.header(r, "dead-letter-reason");
            assertNotNull(why, "dead-letter-reason");
            String kind = why.contains(":") ? why.substring(0, why.indexOf(':')) : why;
            assertTrue(KINDS.contains(kind), why);
            return kind;
        }).collect(Collectors.groupingBy(k -> k, Collectors.counting()));
        assertTrue(kinds.keySet().containsAll(Set.of("unsigned", "malformed", "bad-signature", "unknown-source",
                "stale")), kinds::toString);
        System.out.printf("%d mutated records dead-lettered in %d ms: %s%n", count,
                Duration.ofNanos(System.nanoTime() - started).toMillis(), kinds);

        // no deployment of any of them
        given().when().get("/deployments?application=signed-mutations").then().statusCode(200).body("$", hasSize(0));

        // the consumer keeps going: a valid request is a deployment, requested by the source ...
        DeploymentRequested valid = request(target, "2.0.0");
        Map<String, String> headers = CiSourceKeys.signedHeaders(valid);
        kafka.sendRaw(Topics.DEPLOYMENT_REQUESTS, target.key(), headers, KafkaMessages.value(valid));
        String id = valid.meta().deploymentId();
        DeploymentAccepted accepted = kafka.awaitMessage(DeploymentAccepted.class, id);
        assertEquals("ci:" + CiSourceKeys.SOURCE, accepted.actor().subject());
        assertEquals("kafka", accepted.actor().via());

        // ... once: the same record again is a replay
        kafka.sendRaw(Topics.DEPLOYMENT_REQUESTS, target.key(), headers, KafkaMessages.value(valid));
        await().atMost(KafkaTestClient.WAIT).until(() -> dead(target.key()).size() == count + 1);
        List<ConsumerRecord<String, byte[]>> after = dead(target.key());
        assertTrue(KafkaTestClient.header(after.get(count), "dead-letter-reason").startsWith("replayed"));
        await().atMost(KafkaTestClient.WAIT).untilAsserted(() -> given().when()
                .get("/deployments?application=signed-mutations").then().body("$", hasSize(1))
                .body("[0].id", equalTo(id)));
    }

    /** Records the dead-letter topic from the beginning (the recording of all topics has no dead-letter topics). */
    private KafkaTestClient dlqReader;

    @AfterEach
    void closeReader() {
        if (dlqReader != null) {
            dlqReader.close();
        }
    }

    private List<ConsumerRecord<String, byte[]>> dead(String key) {
        return dlqReader.records(Topics.deadLetter(Topics.DEPLOYMENT_REQUESTS)).stream()
                .filter(r -> key.equals(r.key())).toList();
    }

    private static DeploymentRequested request(Target target, String version) {
        return new DeploymentRequested(new Meta(UUID.randomUUID().toString(), UUID.randomUUID().toString(), null,
                null, Instant.now()), target, version, "file:/apps/signed-" + version + ".jar", null, null);
    }

    record Mutation(Map<String, String> headers, byte[] body) {
    }

    /** About 20 ways a record is not what the source signed. */
    static List<Mutation> mutations(DeploymentRequested request, Map<String, String> good, byte[] body,
                                    WebhookKey otherKey, Random random) {
        String id = good.get(StandardWebhooks.ID);
        String ts = good.get(StandardWebhooks.TIMESTAMP);
        String sig = good.get(StandardWebhooks.SIGNATURE);
        List<Mutation> out = new ArrayList<>();
        UnaryOperator<Map<String, String>> copy = LinkedHashMap::new;
        // body
        byte[] flipped = body.clone();
        int at = random.nextInt(flipped.length);
        flipped[at] ^= (byte) (1 << random.nextInt(7));
        out.add(new Mutation(good, flipped));
        out.add(new Mutation(good, new String(body, StandardCharsets.UTF_8).replace("1.0.", "6.6.")
                .getBytes(StandardCharsets.UTF_8)));
        out.add(new Mutation(good, java.util.Arrays.copyOf(body, body.length - 1)));
        // id, timestamp
        out.add(new Mutation(with(good, StandardWebhooks.ID, id + "x"), body));
        out.add(new Mutation(with(good, StandardWebhooks.TIMESTAMP, Long.toString(Long.parseLong(ts) - 1)), body));
        out.add(new Mutation(with(good, StandardWebhooks.TIMESTAMP, "yesterday"), body));
        // key
        out.add(new Mutation(CiSourceKeys.signedHeaders(request, otherKey, CiSourceKeys.SOURCE,
                StandardWebhooks.newId(), Instant.now()), body));
        // stale, future (authentic)
        out.add(new Mutation(CiSourceKeys.signedHeaders(request, CiSourceKeys.KEY, CiSourceKeys.SOURCE,
                StandardWebhooks.newId(), Instant.now().minusSeconds(301 + random.nextInt(3600))), body));
        out.add(new Mutation(CiSourceKeys.signedHeaders(request, CiSourceKeys.KEY, CiSourceKeys.SOURCE,
                StandardWebhooks.newId(), Instant.now().plusSeconds(310 + random.nextInt(3600))), body));
        // signature text
        out.add(new Mutation(with(good, StandardWebhooks.SIGNATURE, "v2" + sig.substring(2)), body));
        out.add(new Mutation(with(good, StandardWebhooks.SIGNATURE, sig.substring(0, sig.length() - 2)), body));
        out.add(new Mutation(with(good, StandardWebhooks.SIGNATURE, sig + "AA"), body));
        out.add(new Mutation(with(good, StandardWebhooks.SIGNATURE, sig.toUpperCase(Locale.ROOT)), body));
        // header names and presence
        Map<String, String> renamed = copy.apply(good);
        renamed.put("Webhook-Signature", renamed.remove(StandardWebhooks.SIGNATURE));
        out.add(new Mutation(renamed, body));
        Map<String, String> noSignature = copy.apply(good);
        noSignature.remove(StandardWebhooks.SIGNATURE);
        out.add(new Mutation(noSignature, body));
        Map<String, String> unsigned = copy.apply(good);
        unsigned.keySet().removeAll(Set.of(StandardWebhooks.ID, StandardWebhooks.TIMESTAMP, StandardWebhooks.SIGNATURE,
                CiSources.SOURCE_HEADER));
        out.add(new Mutation(unsigned, body));
        // source
        out.add(new Mutation(with(good, CiSources.SOURCE_HEADER, "other-ci"), body));
        out.add(new Mutation(with(good, CiSources.SOURCE_HEADER, CiSourceKeys.SOURCE.toUpperCase(Locale.ROOT)), body));
        out.add(new Mutation(with(good, CiSources.SOURCE_HEADER, CiSourceKeys.GITHUB), body));
        Map<String, String> noSource = copy.apply(good);
        noSource.remove(CiSources.SOURCE_HEADER);
        out.add(new Mutation(noSource, body));
        return out;
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return copy;
    }
}
