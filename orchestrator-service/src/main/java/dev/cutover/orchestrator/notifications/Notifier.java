package dev.cutover.orchestrator.notifications;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.events.DeploymentEvent.DeploymentAccepted;
import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.messaging.DeploymentPublisher;
import dev.cutover.orchestrator.model.AnalysisEntry;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.service.DeploymentService;
import dev.cutover.secrets.SecretReference;
import dev.cutover.secrets.SecretStore;
import dev.cutover.security.webhook.StandardWebhooks;
import dev.cutover.security.webhook.WebhookKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Tells webhook sinks about deployments ({@link NotificationsConfig}): from the lifecycle events, in its own
 * consumer group (each event once across replicas). Kinds: {@code started} (accepted), {@code step} (a status change
 * that is neither a hold nor an end), {@code held} (PAUSED, AWAITING_APPROVAL), {@code rolled-back},
 * {@code succeeded}, {@code failed}. A rollback's message names the rule that fired (the last analysis verdict's, or
 * the failure's reason). Each delivery is retried with backoff; after the last attempt the notification goes to
 * {@value #DEAD_LETTER} with the sink's name and the reason, and the consumer goes on.
 */
@ApplicationScoped
public class Notifier {

    public static final String CHANNEL = "notifications";
    public static final String DEAD_LETTER = "cutover.notifications.dlq";
    public static final List<String> KINDS = List.of("started", "step", "held", "rolled-back", "succeeded", "failed");

    private static final Logger LOG = Logger.getLogger(Notifier.class);

    @Inject
    NotificationsConfig config;

    @Inject
    DeploymentService service;

    @Inject
    DeploymentPublisher publisher;

    @Inject
    SecretStore secrets;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry meters;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One thing to tell: what kind, about which deployment, in words and in fields. */
    public record Notification(String kind, String deploymentId, Target target, String version, String status, String stage,
                        String reason, String firedRule, Instant at) {
    }

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        if (config.sinks().isEmpty()) {
            return;
        }
        Message message = KafkaMessages.decode(record.headers(), record.value());
        Optional<Notification> n = notificationOf(message);
        if (n.isEmpty()) {
            return;
        }
        for (Map.Entry<String, NotificationsConfig.Sink> e : config.sinks().entrySet()) {
            NotificationsConfig.Sink sink = e.getValue();
            if (sink.environments().map(l -> l.contains(n.get().target().environment())).orElse(true)
                    && sink.events().map(l -> l.contains(n.get().kind())).orElse(true)) {
                deliver(e.getKey(), sink, n.get());
            }
        }
    }

    Optional<Notification> notificationOf(Message message) {
        if (message instanceof DeploymentAccepted a) {
            return Optional.of(new Notification("started", a.meta().deploymentId(), a.target(), a.version(),
                    "PENDING", null, "strategy " + a.strategy(), null, a.meta().occurredAt()));
        }
        if (!(message instanceof DeploymentStatusChanged c)) {
            return Optional.empty();
        }
        DeploymentStatus s = c.status();
        String kind = switch (s) {
            case PAUSED, AWAITING_APPROVAL -> "held";
            case ROLLED_BACK -> "rolled-back";
            case SUCCEEDED -> "succeeded";
            case FAILED -> "failed";
            case SUPERSEDED, QUEUED -> null;
            default -> "step";
        };
        if (kind == null) {
            return Optional.empty();
        }
        String fired = null;
        if (s == DeploymentStatus.ROLLED_BACK || s == DeploymentStatus.FAILED) {
            fired = firedRule(c.meta().deploymentId()).orElse(null);
        }
        return Optional.of(new Notification(kind, c.meta().deploymentId(), c.target(), c.version(), s.name(),
                c.stage(), c.reason(), fired, c.meta().occurredAt()));
    }

    /** The rule whose verdict ended the deployment: the last analysis with a fired rule. */
    private Optional<String> firedRule(String id) {
        Optional<Deployment> d = service.find(id);
        if (d.isEmpty() || d.get().analyses() == null) {
            return Optional.empty();
        }
        List<AnalysisEntry> analyses = d.get().analyses();
        for (int i = analyses.size() - 1; i >= 0; i--) {
            AnalysisEntry a = analyses.get(i);
            if (a.decision() != null && a.decision().firedRule() != null) {
                return Optional.of(a.decision().firedRule() + (a.decision().summary() == null ? ""
                        : ": " + a.decision().summary()));
            }
        }
        return Optional.empty();
    }

    /** The text a person reads in a chat channel. */
    public static String text(Notification n) {
        String what = switch (n.kind()) {
            case "started" -> "started";
            case "held" -> "is waiting (" + n.status().toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
            case "rolled-back" -> "was ROLLED BACK";
            case "succeeded" -> "succeeded";
            case "failed" -> "FAILED";
            default -> "is " + n.status().toLowerCase(Locale.ROOT).replace('_', ' ');
        };
        StringBuilder b = new StringBuilder().append(n.target().application()).append(' ').append(n.version())
                .append(" in ").append(n.target().environment()).append(' ').append(what);
        if (n.stage() != null) {
            b.append(" at stage ").append(n.stage());
        }
        if (n.firedRule() != null) {
            b.append(" — rule ").append(n.firedRule());
        } else if (n.reason() != null && !n.kind().equals("step")) {
            b.append(" — ").append(n.reason());
        }
        return b.append(" (deployment ").append(n.deploymentId()).append(')').toString();
    }

    byte[] body(NotificationsConfig.Sink sink, Notification n) {
        ObjectNode fields = json.createObjectNode().put("kind", n.kind()).put("deploymentId", n.deploymentId())
                .put("application", n.target().application()).put("environment", n.target().environment())
                .put("version", n.version()).put("status", n.status()).put("stage", n.stage())
                .put("reason", n.reason()).put("firedRule", n.firedRule())
                .put("at", n.at() == null ? null : n.at().toString());
        ObjectNode body;
        if ("cloudevents".equals(sink.format())) {
            body = json.createObjectNode().put("specversion", "1.0")
                    .put("id", UUID.nameUUIDFromBytes((n.kind() + "\n" + n.deploymentId() + "\n" + n.status() + "\n"
                            + n.at()).getBytes(StandardCharsets.UTF_8)).toString())
                    .put("source", "/cutover/orchestrator").put("type", "dev.cutover.notification." + n.kind() + ".v1")
                    .put("subject", n.target().key()).put("time", fields.path("at").asText(null))
                    .put("datacontenttype", "application/json");
            body.set("data", fields);
        } else {
            body = json.createObjectNode().put("text", text(n));
            body.set("cutover", fields);
        }
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void deliver(String name, NotificationsConfig.Sink sink, Notification n) throws InterruptedException {
        byte[] body = body(sink, n);
        String contentType = "cloudevents".equals(sink.format()) ? "application/cloudevents+json" : "application/json";
        // one id for every attempt: the receiver drops a repeat
        String id = StandardWebhooks.newId();
        WebhookKey key = null;
        try {
            if (sink.key().isPresent()) {
                key = WebhookKey.parse(secrets.resolve(new SecretReference(sink.key().get(), null)));
            }
        } catch (dev.cutover.secrets.SecretStoreException | RuntimeException e) {
            deadLetter(name, n, body, "key-unavailable: the sink's signing key cannot be read");
            return;
        }
        String last = null;
        Duration wait = sink.backoff();
        for (int attempt = 1; attempt <= sink.attempts(); attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sink.url())).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (key != null) {
                StandardWebhooks.sign(key, id, Instant.now(), body).forEach(request::header);
            }
            try {
                HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    meters.counter("cutover.orchestrator.notifications.delivered", "sink", name, "kind", n.kind())
                            .increment();
                    return;
                }
                last = "http-" + response.statusCode();
            } catch (IOException e) {
                last = "unreachable: " + e.getClass().getSimpleName();
            }
            LOG.infof("notification %s of %s to sink %s: attempt %d of %d failed (%s)", n.kind(), n.deploymentId(),
                    name, attempt, sink.attempts(), last);
            if (attempt < sink.attempts()) {
                Thread.sleep(wait.toMillis());
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30)
                        : wait.multipliedBy(2);
            }
        }
        deadLetter(name, n, body, "undelivered: " + last + " after " + sink.attempts() + " attempts");
    }

    private void deadLetter(String name, Notification n, byte[] body, String reason) {
        meters.counter("cutover.orchestrator.notifications.undelivered", "sink", name).increment();
        LOG.warnf("notification %s of %s to sink %s dead-lettered: %s", n.kind(), n.deploymentId(), name, reason);
        RecordHeaders headers = new RecordHeaders();
        headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("cutover-notification-sink", name.getBytes(StandardCharsets.UTF_8));
        try {
            publisher.publish(DEAD_LETTER, n.target().key(), headers, body).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("notification %s of %s: cannot dead-letter it either: %s", n.kind(), n.deploymentId(), e);
        }
    }
}
