package dev.cutover.orchestrator.replication;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.Stage;
import dev.cutover.orchestrator.model.StageStatus;
import dev.cutover.orchestrator.store.DeploymentRepository;
import dev.cutover.orchestrator.store.SnapshotSummary;
import dev.cutover.orchestrator.store.SnapshotLog;
import dev.cutover.testing.kafka.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pieces of running several orchestrator replicas, on the real broker with plain Kafka clients (a @QuarkusTest
 * runs one replica): the target-to-partition formula, a replica's tail seeing another replica's snapshots, and the
 * members topic naming the owner of a partition.
 */
class ReplicationBrokerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static Map<String, Object> kafka() {
        return Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers());
    }

    @Test
    void aTargetIsOnThePartitionKafkasDefaultPartitionerPicks() throws Exception {
        String topic = "partitions-" + UUID.randomUUID();
        int partitions = 6;
        try (Admin admin = Admin.create(kafka())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka(), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 40; i++) {
                String key = "app-" + i + "/env-" + (i % 3);
                int actual = producer.send(new ProducerRecord<>(topic, key, "v")).get().partition();
                assertEquals(actual, Partitions.of(key, partitions), key);
            }
        }
        assertEquals(0, Partitions.of("sample-app/development", 1));
    }

    @Test
    void aReplicasTailSeesWhatAnotherReplicaWritesAndNeverStepsBack() throws Exception {
        String topic = "state-" + UUID.randomUUID();
        Deployment first = deployment("d1", DeploymentStatus.PROVISIONING, 0);
        Deployment second = deployment("d1", DeploymentStatus.MONITORING, 5);
        Deployment third = deployment("d1", DeploymentStatus.SUCCEEDED, 9);
        try (SnapshotLog other = new SnapshotLog(kafka(), topic, TIMEOUT)) {
            other.ensureTopic(3, (short) 1);
            // finished snapshots are only indexed, and read back from the topic when asked for
            DeploymentRepository repository = new DeploymentRepository(other::read, 10);
            SnapshotSummary.Position firstAt = other.write(first);
            try (TopicTail tail = new TopicTail(kafka(), topic, "test-tail", TIMEOUT, repository::applyRecord)
                    .start()) {
                assertTrue(tail.awaitCaughtUp(TIMEOUT));
                assertEquals(Optional.of(first), repository.find("d1"));

                // the other replica goes on writing: this one's index follows without being asked
                other.write(second);
                await().atMost(TIMEOUT).until(() -> repository.find("d1").equals(Optional.of(second)));

                // an own write is visible at once; the tail delivering it (or an older one) later changes nothing
                SnapshotSummary.Position thirdAt = other.write(third);
                assertTrue(repository.apply(third, thirdAt) || repository.find("d1").equals(Optional.of(third)));
                assertTrue(tail.awaitCaughtUp(TIMEOUT));
                assertEquals(Optional.of(third), repository.find("d1"));
                assertEquals(false, repository.apply(first, firstAt));
                assertEquals(Optional.of(third), repository.find("d1"));
            }
        }
    }

    @Test
    void theNewestClaimOfAPartitionNamesItsOwnerOnEveryReplica() throws Exception {
        String topic = "members-" + UUID.randomUUID();
        try (Members a = new Members(kafka(), topic, TIMEOUT).start();
             Members b = new Members(kafka(), topic, TIMEOUT).start()) {
            a.claim(new MemberClaim("a", "http://127.0.0.1:1001", List.of(0, 1, 2), Instant.now()));
            assertTrue(b.awaitCaughtUp(TIMEOUT));
            assertEquals("a", b.ownerOf(1).orElseThrow().replicaId());
            assertEquals("http://127.0.0.1:1001", b.ownerOf(1).orElseThrow().url());

            // b joins: the group moves partition 2 to it, a gives up 2 and claims 0 and 1 again
            b.claim(new MemberClaim("b", "http://127.0.0.1:1002", List.of(2), Instant.now()));
            a.claim(new MemberClaim("a", "http://127.0.0.1:1001", List.of(0, 1), Instant.now()));
            for (Members m : List.of(a, b)) {
                assertTrue(m.awaitCaughtUp(TIMEOUT));
                assertEquals("a", m.ownerOf(0).orElseThrow().replicaId());
                assertEquals("b", m.ownerOf(2).orElseThrow().replicaId());
            }

            // a dies without a word: its claim stands until b takes its partitions over and says so
            b.claim(new MemberClaim("b", "http://127.0.0.1:1002", List.of(0, 1, 2), Instant.now()));
            assertTrue(b.awaitCaughtUp(TIMEOUT));
            assertEquals("b", b.ownerOf(0).orElseThrow().replicaId());
            assertEquals("b", b.ownerOf(1).orElseThrow().replicaId());
            assertEquals(Optional.empty(), b.ownerOf(7));
        }
        // a replica started later reads the same
        try (Members late = new Members(kafka(), topic, TIMEOUT).start()) {
            assertTrue(late.awaitCaughtUp(TIMEOUT));
            assertEquals("b", late.ownerOf(0).orElseThrow().replicaId());
            assertEquals(2, late.claims().size());
        }
    }

    private static Deployment deployment(String id, DeploymentStatus status, int seconds) {
        Instant t = Instant.parse("2026-11-26T12:00:00Z").plusSeconds(seconds);
        return new Deployment.Builder().id(id).target(new Target("shop", "staging")).version("2.0.0")
                .artifact("a.jar").strategy("blue-green").overrides(Map.of()).correlationId("c-" + id)
                .status(status).reason("r").slot("green").stableSlot("blue").stableVersion("1.0.0")
                .createdAt(t).updatedAt(t)
                .startStage(Stage.CONFIG, t, t.plusSeconds(30)).endStage(StageStatus.SUCCEEDED, "ok", t)
                .build();
    }
}
