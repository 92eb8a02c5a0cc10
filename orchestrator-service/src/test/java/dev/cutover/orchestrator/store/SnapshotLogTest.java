package dev.cutover.orchestrator.store;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.StageStatus;
import dev.cutover.testing.kafka.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Plain JUnit on the real broker: what one instance writes, a fresh instance reads back. */
class SnapshotLogTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void freshInstanceRebuildsTheLatestSnapshotOfEveryDeployment() throws Exception {
        String topic = "snapshots-" + UUID.randomUUID();
        Map<String, Object> kafka = Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers());
        Deployment a1 = deployment("a", DeploymentStatus.PENDING, 0);
        Deployment a2 = deployment("a", DeploymentStatus.MONITORING, 5);
        Deployment b1 = deployment("b", DeploymentStatus.SUCCEEDED, 9);
        try (SnapshotLog writer = new SnapshotLog(kafka, topic, TIMEOUT)) {
            writer.ensureTopic(1, (short) 1);
            writer.ensureTopic(1, (short) 1); // idempotent
            writer.write(a1);
            writer.write(b1);
            writer.write(a2);
        }
        try (SnapshotLog reader = new SnapshotLog(kafka, topic, TIMEOUT)) {
            Map<String, Deployment> loaded = reader.readAll();
            assertEquals(Map.of("a", a2, "b", b1), loaded);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.shared().bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            String policy = admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, policy);
        }
    }

    @Test
    void everySnapshotCarriesItsSummaryAndIsReadBackByPosition() {
        String topic = "snapshots-" + UUID.randomUUID();
        Map<String, Object> kafka = Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers());
        Deployment a1 = deployment("a", DeploymentStatus.PENDING, 0);
        Deployment b1 = deployment("b", DeploymentStatus.SUCCEEDED, 9);
        Deployment a2 = deployment("a", DeploymentStatus.ROLLED_BACK, 5);
        Map<SnapshotSummary.Position, Deployment> written = new java.util.LinkedHashMap<>();
        try (SnapshotLog log = new SnapshotLog(kafka, topic, TIMEOUT)) {
            log.ensureTopic(3, (short) 1);
            for (Deployment d : List.of(a1, b1, a2)) {
                written.put(log.write(d), d);
            }
        }
        // the headers say what the index needs, for every record on the topic
        Map<SnapshotSummary.Position, SnapshotSummary> summaries = new java.util.HashMap<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> consumer =
                     new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.of("bootstrap.servers",
                             KafkaBroker.shared().bootstrapServers(), "auto.offset.reset", "earliest",
                             "group.id", "summaries-" + UUID.randomUUID()),
                             new org.apache.kafka.common.serialization.StringDeserializer(),
                             new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    SnapshotSummary.Position at = new SnapshotSummary.Position(r.partition(), r.offset());
                    summaries.put(at, SnapshotSummary.read(r.key(), r.headers(), at));
                });
                return summaries.size() == 3;
            });
        }
        written.forEach((at, d) -> assertEquals(SnapshotSummary.of(d, at), summaries.get(at)));

        try (SnapshotLog log = new SnapshotLog(kafka, topic, TIMEOUT)) {
            assertEquals(written, log.read(written.keySet()));
            SnapshotSummary.Position b = written.entrySet().stream().filter(e -> e.getValue() == b1)
                    .findFirst().orElseThrow().getKey();
            assertEquals(Map.of(b, b1), log.read(List.of(b)));
            assertEquals(Map.of(), log.read(List.of()));
        }
    }

    @Test
    void emptyTopicLoadsNothing() {
        String topic = "snapshots-" + UUID.randomUUID();
        try (SnapshotLog log = new SnapshotLog(Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers()),
                topic,
                TIMEOUT)) {
            log.ensureTopic(1, (short) 1);
            assertEquals(Map.of(), log.readAll());
        }
    }

    private static Deployment deployment(String id, DeploymentStatus status, int seconds) {
        Instant t = Instant.parse("2026-11-26T12:00:00Z").plusSeconds(seconds);
        return new Deployment.Builder().id(id).target(new Target("shop", "staging")).version("2.0.0")
                .artifact("a.jar").strategy("blue-green").overrides(Map.of("health", Map.of("max-wait-ms", 1000)))
                .correlationId("c-" + id).status(status).reason("r").slot("green").stableSlot("blue")
                .stableVersion("1.0.0").createdAt(t).updatedAt(t)
                .startStage(Stage.CONFIG, t, t.plusSeconds(30)).endStage(StageStatus.SUCCEEDED, "ok", t)
                .build();
    }
}
