package dev.cutover.orchestrator.cdevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.events.DeploymentRequestEvent.DeploymentRequested;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.cdevents.CloudEvent.InvalidCloudEvent;
import dev.cutover.orchestrator.messaging.DeploymentPublisher;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.webhook.CiSources;
import dev.cutover.security.webhook.StandardWebhooks;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * CDEvents from CI on {@value #TOPIC} (CloudEvents, binary or structured mode): a signed
 * {@code artifact.published} (the same Standard Webhooks headers and {@value CiSources#SOURCE_HEADER} as the requests
 * topic) that validates against its schema becomes a deployment request through the mapping rules
 * ({@link ArtifactMapping}). The request is published on the requests topic under its target's key, signed again
 * as its source, so it reaches the target's owner and passes the same signature, artifact and validation checks as a
 * request CI published itself. Its message id derives from the CloudEvent's source and id: the same event again is
 * the same deployment. Other CDEvents types are counted and left alone; an unsigned, unreadable, invalid or unmapped
 * record goes to {@value #TOPIC}.dlq with the reason.
 */
@ApplicationScoped
public class CdEventsIntake {

    public static final String TOPIC = "cutover.cdevents.in";
    public static final String CHANNEL = "cdevents-in";

    private static final Logger LOG = Logger.getLogger(CdEventsIntake.class);

    @Inject
    CiSources sources;

    @Inject
    DeploymentPublisher publisher;

    @Inject
    CdEventsConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry meters;

    private ArtifactMapping mapping;

    @PostConstruct
    void init() {
        mapping = new ArtifactMapping(config.rules(), json);
        config.rules().forEach((name, rule) -> LOG.infof("CDEvents rule %s: %s -> application %s, environment %s",
                name, rule.purl(), rule.application().orElse("<purl name>"),
                rule.environment().orElse("<customData.environment>")));
    }

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) throws Exception {
        CiSources.Verified verified = sources.verifyRecord(record.headers(), record.value());
        CloudEvent event = CloudEvent.read(name -> header(record, name), "ce_", record.value(), json);
        if (!ArtifactMapping.isArtifactPublished(event.data())) {
            meters.counter("cutover.orchestrator.cdevents.ignored", "type", typeFamily(event)).increment();
            LOG.debugf("CDEvent %s of type %s is not one Cutover acts on", event.id(), event.type());
            return;
        }
        DeploymentRequest request = request(event.data());
        DeploymentRequested requested = requested(request, verified.source(), event);
        byte[] value = KafkaMessages.value(requested);
        publisher.publish(requested, sources.signAs(verified.source(), StandardWebhooks.newId(), value))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        meters.counter("cutover.orchestrator.cdevents.requests", "via", "kafka").increment();
        LOG.infof("CDEvent %s from %s: deploy %s %s to %s (deployment %s)", event.id(), verified.subject(),
                request.application(), request.version(), request.environment(), requested.meta().deploymentId());
    }

    /** The request an {@code artifact.published} event asks for, once it validates against its schema. */
    public DeploymentRequest request(JsonNode cdevent) {
        List<String> violations;
        try {
            violations = CdEventSchemas.get().violations(cdevent);
        } catch (IllegalArgumentException e) {
            throw new InvalidCloudEvent(e.getMessage());
        }
        if (!violations.isEmpty()) {
            throw new InvalidCloudEvent("not a valid " + cdevent.path("context").path("type").asText() + ": "
                    + String.join("; ", violations.subList(0, Math.min(5, violations.size()))));
        }
        return mapping.request(cdevent);
    }

    /** The ids of the deployment an event asks for: the same event (source and id) again is the same deployment. */
    public static String deploymentIdOf(String ciSource, CloudEvent event) {
        return UUID.nameUUIDFromBytes(("cdevent\n" + ciSource + "\n" + event.source() + "\n" + event.id())
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    static DeploymentRequested requested(DeploymentRequest r, String ciSource, CloudEvent event) {
        String id = deploymentIdOf(ciSource, event);
        Meta meta = new Meta(UUID.randomUUID().toString(), id, id, null, Instant.now());
        return new DeploymentRequested(meta, new Target(r.application(), r.environment()), r.version(),
                r.artifact(), r.strategy(), r.overrides(), r.sha256());
    }

    private static String typeFamily(CloudEvent event) {
        String type = event.type();
        return type.startsWith("dev.cdevents.") ? type.replaceAll("\\.\\d+\\.\\d+\\.\\d+$", "") : "other";
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
