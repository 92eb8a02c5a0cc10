package dev.cutover.orchestrator.cdevents;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.orchestrator.messaging.DeploymentPublisher;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.service.DeploymentService;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What happened to a service, as CDEvents 0.5.1, from the lifecycle events the orchestrator publishes (its own
 * consumer group on the deployment events topic, so each is emitted once across replicas, again after a crash
 * before its offset was committed, with the same id):
 * <ul>
 * <li>a deployment SUCCEEDED: {@code service.deployed} when it is the target's first to succeed, else
 * {@code service.upgraded};</li>
 * <li>ROLLED_BACK: {@code service.rolledback}, naming the version now running again.</li>
 * </ul>
 * Each goes to {@value #TOPIC} as a binary-mode CloudEvent keyed by the target and, as a structured CloudEvent, to
 * every configured HTTP sink ({@link CdEventsConfig#sinks()}). {@code subject.id} is the application,
 * {@code environment.id} the environment, {@code artifactId} the version's purl ({@link ArtifactMapping#purlOf}).
 */
@ApplicationScoped
public class CdEventsEmitter {

    public static final String TOPIC = "cutover.cdevents.out";
    public static final String CHANNEL = "cdevents-out";
    public static final String DEPLOYED = "dev.cdevents.service.deployed.0.3.0";
    public static final String UPGRADED = "dev.cdevents.service.upgraded.0.3.0";
    public static final String ROLLED_BACK = "dev.cdevents.service.rolledback.0.3.0";

    private static final Logger LOG = Logger.getLogger(CdEventsEmitter.class);

    @Inject
    DeploymentService service;

    @Inject
    DeploymentPublisher publisher;

    @Inject
    CdEventsConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry meters;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) throws Exception {
        Message message = KafkaMessages.decode(record.headers(), record.value());
        if (!(message instanceof DeploymentStatusChanged changed)
                || !(changed.status() == DeploymentStatus.SUCCEEDED || changed.status() == DeploymentStatus.ROLLED_BACK)) {
            return;
        }
        Optional<CloudEvent> event = eventOf(changed);
        if (event.isEmpty()) {
            return;
        }
        CloudEvent e = event.get();
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes(e.specversion()));
        headers.add("ce_id", bytes(e.id()));
        headers.add("ce_source", bytes(e.source()));
        headers.add("ce_type", bytes(e.type()));
        headers.add("ce_time", bytes(e.time()));
        headers.add("content-type", bytes("application/json"));
        publisher.publish(TOPIC, record.key(), headers, json.writeValueAsBytes(e.data())).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        meters.counter("cutover.orchestrator.cdevents.emitted", "type", e.type()).increment();
        LOG.infof("CDEvent %s for %s %s (deployment %s)", e.type(), changed.target().key(), changed.version(),
                changed.meta().deploymentId());
        byte[] structured = json.writeValueAsBytes(e.structured(json));
        config.sinks().forEach((name, sink) -> deliver(name, sink, structured));
    }

    /** The CDEvent a lifecycle change is, if it is one (a rollback with nothing to return to is none). */
    Optional<CloudEvent> eventOf(DeploymentStatusChanged changed) throws InterruptedException {
        String id = changed.meta().deploymentId();
        Deployment d = awaitRecorded(id, changed.status());
        String type;
        String version;
        String sha256;
        if (changed.status() == DeploymentStatus.SUCCEEDED) {
            boolean earlier = d != null && service.list(d.target().application(), d.target().environment()).stream()
                    .anyMatch(o -> !o.id().equals(id) && o.status() == DeploymentStatus.SUCCEEDED
                            && o.createdAt().isBefore(d.createdAt()));
            type = earlier ? UPGRADED : DEPLOYED;
            version = changed.version();
            sha256 = d == null ? null : d.sha256();
        } else {
            if (d == null || d.stableVersion() == null) {
                LOG.infof("deployment %s rolled back with no earlier version running: no CDEvent", id);
                return Optional.empty();
            }
            type = ROLLED_BACK;
            version = d.stableVersion();
            sha256 = null;
        }
        String eventId = UUID.nameUUIDFromBytes(("cdevent-out\n" + changed.meta().messageId())
                .getBytes(StandardCharsets.UTF_8)).toString();
        String time = (changed.meta().occurredAt() == null ? Instant.now() : changed.meta().occurredAt()).toString();
        ObjectNode cdevent = json.createObjectNode();
        cdevent.putObject("context").put("specversion", CdEventSchemas.SPEC_VERSION).put("id", eventId)
                .put("source", config.source()).put("type", type).put("timestamp", time)
                .put("chainId", changed.meta().correlationId() == null ? id : changed.meta().correlationId());
        ObjectNode subject = cdevent.putObject("subject");
        subject.put("id", changed.target().application()).put("source", config.source());
        ObjectNode content = subject.putObject("content");
        content.putObject("environment").put("id", changed.target().environment());
        content.put("artifactId", ArtifactMapping.purlOf(changed.target().application(), version, sha256));
        cdevent.putObject("customData").put("deploymentId", id).put("status", changed.status().name())
                .put("version", changed.version());
        return Optional.of(new CloudEvent(eventId, config.source(), type, CloudEvent.SPEC_VERSION, time, cdevent));
    }

    /** The deployment as recorded with the status the event reports (the snapshot is written before the event). */
    private Deployment awaitRecorded(String id, DeploymentStatus status) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Deployment d = null;
        while (System.nanoTime() < until) {
            d = service.find(id).orElse(null);
            if (d != null && d.status() == status) {
                return d;
            }
            Thread.sleep(100);
        }
        return d;
    }

    private void deliver(String name, CdEventsConfig.Sink sink, byte[] body) {
        for (int attempt = 1; attempt <= sink.attempts(); attempt++) {
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(sink.url()))
                        .timeout(Duration.ofSeconds(5)).header("Content-Type", CloudEvent.STRUCTURED)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    meters.counter("cutover.orchestrator.cdevents.delivered", "sink", name).increment();
                    return;
                }
                LOG.infof("CDEvents sink %s answered %d (attempt %d of %d)", name, response.statusCode(), attempt,
                        sink.attempts());
            } catch (IOException e) {
                LOG.infof("CDEvents sink %s unreachable (attempt %d of %d): %s", name, attempt, sink.attempts(),
                        e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(500L << Math.min(attempt - 1, 4));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        meters.counter("cutover.orchestrator.cdevents.undelivered", "sink", name).increment();
        LOG.warnf("CDEvents sink %s: event not delivered after %d attempts", name, sink.attempts());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
