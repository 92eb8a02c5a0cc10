package dev.cutover.orchestrator.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.events.DeploymentRequestEvent.DeploymentRequested;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.messaging.CiSourceKeys;
import dev.cutover.orchestrator.testing.FlowTest;
import dev.cutover.security.webhook.StandardWebhooks;
import dev.cutover.security.webhook.WebhookKey;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Notifications on the real broker to real HTTP sinks: a chat sink that fails twice then accepts gets each
 * notification delivered once, signed (the same webhook id on every attempt); a CloudEvents sink gets only the kinds
 * it chose; a sink that is down gets its notifications dead-lettered with the reason.
 */
@QuarkusTest
class NotificationsTest extends FlowTest {

    @Test
    void aSinkThatFailsTwiceGetsEachNotificationOnceSignedAndADownSinkIsDeadLettered() throws Exception {
        Target target = new Target("notify-app", "notify");
        String messageId = UUID.randomUUID().toString();
        String id = UUID.nameUUIDFromBytes(messageId.getBytes(StandardCharsets.UTF_8)).toString();
        sendSigned(new DeploymentRequested(new Meta(messageId, null, null, null, Instant.now()), target, "1.0.0",
                "file:/apps/notify-1.jar", null, null));
        playHappyPath(id, "blue", null);
        awaitStatus(id, DeploymentStatus.SUCCEEDED);

        // chat: started, the steps and succeeded, each accepted once after two refusals, all signed
        await().atMost(Duration.ofSeconds(60)).until(() -> accepted("/chat", id).stream()
                .anyMatch(a -> kind(a).equals("succeeded")));
        List<NotificationSink.Attempt> chat = accepted("/chat", id);
        assertEquals("started", kind(chat.get(0)));
        assertTrue(chat.stream().anyMatch(a -> kind(a).equals("step")));
        assertEquals(1, chat.stream().filter(a -> kind(a).equals("succeeded")).count());
        WebhookKey key = WebhookKey.parse(CiSourceKeys.NOTIFY_KEY_TEXT);
        for (NotificationSink.Attempt a : chat) {
            String webhookId = a.headers().get("webhook-id");
            List<Integer> statuses = NotificationSink.attempts().stream()
                    .filter(o -> o.path().equals("/chat") && webhookId.equals(o.headers().get("webhook-id")))
                    .map(NotificationSink.Attempt::status).toList();
            assertEquals(List.of(503, 503, 200), statuses);
            assertEquals(StandardWebhooks.signature(key, webhookId, a.headers().get("webhook-timestamp"),
                    a.body().getBytes(StandardCharsets.UTF_8)), a.headers().get("webhook-signature"));
            JsonNode body = a.json();
            assertTrue(body.path("text").asText().contains("notify-app"), body::toString);
            assertEquals("notify", body.at("/cutover/environment").asText());
        }

        // audit: CloudEvents, only the chosen kinds, unsigned (no key)
        await().atMost(KafkaTestClient.WAIT).until(() -> !accepted("/audit", id).isEmpty());
        List<NotificationSink.Attempt> audit = accepted("/audit", id);
        assertEquals(List.of("succeeded"), audit.stream().map(NotificationsTest::kind).toList());
        JsonNode event = audit.get(0).json();
        assertEquals("dev.cutover.notification.succeeded.v1", event.path("type").asText());
        assertEquals("1.0", event.path("specversion").asText());
        assertTrue(audit.get(0).headers().get("content-type").startsWith("application/cloudevents+json"));
        assertEquals(null, audit.get(0).headers().get("webhook-signature"));

        // down: two attempts, then the dead-letter topic with the sink and the reason
        ConsumerRecord<String, byte[]> dead = kafka.awaitRecord(Notifier.DEAD_LETTER, r -> new String(r.value(),
                StandardCharsets.UTF_8).contains(id));
        assertEquals("down", KafkaTestClient.header(dead, "cutover-notification-sink"));
        assertNotNull(KafkaTestClient.header(dead, "dead-letter-reason"));
        assertTrue(KafkaTestClient.header(dead, "dead-letter-reason").startsWith("undelivered"));
        assertEquals(2, NotificationSink.attempts().stream().filter(a -> a.path().equals("/down")
                && a.body().contains(id)).count());
    }

    @Test
    void aRollbackMessageNamesTheFiredRule() {
        Notifier.Notification n = new Notifier.Notification("rolled-back", "d-1", new Target("shop", "production"),
                "2.0.0", "ROLLED_BACK", "canary", "canary analysis failed", "error-rate: canary 21% vs 0.4%",
                Instant.now());
        String text = Notifier.text(n);
        assertTrue(text.contains("error-rate: canary 21% vs 0.4%"), text);
        assertTrue(text.contains("shop 2.0.0 in production"), text);
    }

    private static List<NotificationSink.Attempt> accepted(String path, String id) throws Exception {
        return NotificationSink.attempts().stream().filter(a -> a.path().equals(path) && a.status() == 200
                && a.body().contains(id)).toList();
    }

    private static String kind(NotificationSink.Attempt a) {
        try {
            JsonNode b = a.json();
            return b.has("cutover") ? b.at("/cutover/kind").asText() : b.at("/data/kind").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
