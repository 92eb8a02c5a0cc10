package dev.cutover.orchestrator.store;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.settings.RunSettings;
import dev.cutover.orchestrator.store.SnapshotSummary.Position;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The index keeps finished deployments as summaries and reads them back by position; unfinished ones stay decoded.
 * The "topic" here is a map of positions to snapshots, the records a state topic would hold: what is under test is
 * the repository's bookkeeping (which snapshot wins, what is decoded, what is read back); the real topic is in
 * {@link SnapshotLogTest}.
 */
class DeploymentRepositoryTest {

    private static final Target SHOP = new Target("shop", "staging");
    private static final Target CART = new Target("cart", "staging");

    /** Records by position, and every read the repository made. */
    static final class Topic implements DeploymentRepository.SnapshotReader {
        final Map<Position, Deployment> records = new HashMap<>();
        final List<Collection<Position>> reads = new ArrayList<>();
        private long next;

        /** Appends d as a record with the orchestrator's headers. */
        ConsumerRecord<String, byte[]> append(Deployment d) {
            long offset = next++;
            records.put(new Position(0, offset), d);
            RecordHeaders headers = new RecordHeaders();
            SnapshotSummary.headers(d).forEach(headers::add);
            return new ConsumerRecord<>("state", 0, offset, 0L, TimestampType.CREATE_TIME, 0, 0, d.id(),
                    SnapshotCodec.encode(d), headers, Optional.empty());
        }

        @Override
        public Map<Position, Deployment> read(Collection<Position> positions) {
            reads.add(List.copyOf(positions));
            Map<Position, Deployment> found = new HashMap<>();
            positions.forEach(p -> {
                if (records.containsKey(p)) {
                    found.put(p, records.get(p));
                }
            });
            return found;
        }
    }

    @Test
    void finishedSnapshotsAreIndexedNotDecodedAndReadBackOnceWhenAskedFor() {
        Topic topic = new Topic();
        DeploymentRepository repository = new DeploymentRepository(topic, 10);
        Deployment running = deployment("a", SHOP, DeploymentStatus.MONITORING, 0);
        Deployment done = deployment("b", SHOP, DeploymentStatus.SUCCEEDED, 1);

        assertEquals(DeploymentRepository.Applied.DECODED, repository.applyRecord(topic.append(running)));
        assertEquals(DeploymentRepository.Applied.INDEXED, repository.applyRecord(topic.append(done)));
        assertEquals(2, repository.size());
        assertEquals(1, repository.activeCount());
        assertEquals(List.of(running), List.copyOf(repository.unfinished()));
        assertTrue(topic.reads.isEmpty(), "nothing read back before it is asked for");

        assertEquals(Optional.of(done), repository.find("b"));
        assertEquals(Optional.of(done), repository.find("b"));
        assertEquals(List.of(List.of(new Position(0, 1))), topic.reads, "read back once, then from the cache");
        assertEquals(Optional.of(running), repository.find("a"));
        assertEquals(1, topic.reads.size(), "an unfinished deployment is never read back");
    }

    @Test
    void aRecordWithoutHeadersIsDecoded() {
        DeploymentRepository repository = new DeploymentRepository(new Topic(), 10);
        Deployment done = deployment("b", SHOP, DeploymentStatus.SUCCEEDED, 1);
        ConsumerRecord<String, byte[]> bare = new ConsumerRecord<>("state", 0, 7, "b", SnapshotCodec.encode(done));

        assertEquals(DeploymentRepository.Applied.DECODED, repository.applyRecord(bare));
        assertEquals(Optional.of(done), repository.find("b"));
        assertThrows(RuntimeException.class, () -> repository.applyRecord(
                new ConsumerRecord<>("state", 0, 8, "c", "{not json".getBytes(StandardCharsets.UTF_8))));
        assertEquals(1, repository.size(), "an unreadable record changes nothing");
    }

    @Test
    void anOlderRecordNeverReplacesANewerOneFinishedOrNot() {
        Topic topic = new Topic();
        DeploymentRepository repository = new DeploymentRepository(topic, 10);
        ConsumerRecord<String, byte[]> started = topic.append(deployment("a", SHOP, DeploymentStatus.PROVISIONING, 0));
        Deployment finished = deployment("a", SHOP, DeploymentStatus.ROLLED_BACK, 0);
        ConsumerRecord<String, byte[]> ended = topic.append(finished);

        repository.applyRecord(ended);
        assertEquals(DeploymentRepository.Applied.DECODED, repository.applyRecord(started)); // decoded, not applied
        assertEquals(Optional.of(finished), repository.find("a"));
        assertEquals(0, repository.activeCount());

        // an own write (acked at a later offset) is not stepped back by the tail's older finished record
        Deployment again = deployment("a", SHOP, DeploymentStatus.SUCCEEDED, 0);
        assertTrue(repository.apply(again, new Position(0, 5)));
        repository.applyRecord(ended);
        assertEquals(Optional.of(again), repository.find("a"));

        // a tombstone removes it; an older snapshot read after it does not bring it back
        repository.remove("a", new Position(0, 6));
        repository.applyRecord(ended);
        assertEquals(Optional.empty(), repository.find("a"));
        assertEquals(0, repository.size());
    }

    @Test
    void theCacheKeepsOnlyTheMostRecentlyUsedFinishedDeployments() {
        Topic topic = new Topic();
        DeploymentRepository repository = new DeploymentRepository(topic, 2);
        for (String id : List.of("a", "b", "c")) {
            repository.applyRecord(topic.append(deployment(id, SHOP, DeploymentStatus.SUCCEEDED, id.charAt(0))));
        }
        repository.find("a");
        repository.find("b");
        repository.find("c"); // evicts a
        repository.find("b");
        assertEquals(3, topic.reads.size());
        assertEquals(Optional.of(topic.records.get(new Position(0, 0))), repository.find("a"));
        assertEquals(4, topic.reads.size(), "evicted, so read back again");
    }

    @Test
    void aSnapshotCompactedAwayIsReadAtThePositionTheIndexMovedItTo() {
        Topic topic = new Topic();
        Deployment first = deployment("a", SHOP, DeploymentStatus.FAILED, 0);
        Deployment second = deployment("a", SHOP, DeploymentStatus.SUCCEEDED, 0);
        ConsumerRecord<String, byte[]> firstRecord = topic.append(first);
        ConsumerRecord<String, byte[]> secondRecord = topic.append(second);
        topic.records.remove(new Position(0, 0)); // compacted behind the second
        DeploymentRepository[] repository = new DeploymentRepository[1];
        // the tail applies the newer record only when the reader waits for it (as DeploymentStore's catch-up does)
        repository[0] = new DeploymentRepository(positions -> {
            Map<Position, Deployment> found = topic.read(positions);
            if (found.size() < positions.size()) {
                repository[0].applyRecord(secondRecord);
            }
            return found;
        }, 10);
        repository[0].applyRecord(firstRecord);

        assertEquals(Optional.of(second), repository[0].find("a"));
        assertEquals(List.of(List.of(new Position(0, 0)), List.of(new Position(0, 1))), topic.reads);
    }

    @Test
    void targetQueriesMixUnfinishedAndFinishedDeployments() {
        Topic topic = new Topic();
        DeploymentRepository repository = new DeploymentRepository(topic, 10);
        Deployment old = settled(deployment("old", SHOP, DeploymentStatus.SUCCEEDED, 0));
        Deployment latest = deployment("latest", SHOP, DeploymentStatus.ROLLED_BACK, 10);
        Deployment running = deployment("running", SHOP, DeploymentStatus.MONITORING, 20);
        Deployment queued2 = deployment("q2", SHOP, DeploymentStatus.QUEUED, 40);
        Deployment queued1 = deployment("q1", SHOP, DeploymentStatus.QUEUED, 30);
        Deployment other = deployment("other", CART, DeploymentStatus.SUCCEEDED, 50);
        for (Deployment d : List.of(old, latest, running, queued2, queued1, other)) {
            repository.applyRecord(topic.append(d));
        }

        assertEquals(Optional.of(running), repository.active(SHOP));
        assertEquals(Optional.empty(), repository.active(CART));
        assertEquals(List.of(queued1, queued2), repository.queued(SHOP));
        assertEquals(Optional.of(latest), repository.latestTerminal(SHOP));
        assertEquals(Optional.of(other), repository.latestTerminal(CART));
        // the kind comes from the index (a header), not from reading the finished snapshot back
        int reads = topic.reads.size();
        assertEquals(Optional.of("scale-set"), repository.configuredTargetKind(SHOP));
        assertEquals(Optional.empty(), repository.configuredTargetKind(CART));
        assertEquals(reads, topic.reads.size());

        assertEquals(List.of(queued2, queued1, running, latest, old), repository.list("shop", null));
        assertEquals(List.of(other, queued2, queued1, running, latest, old), repository.list(null, "staging"));
        assertEquals(List.of(), repository.list("shop", "production"));
    }

    private static Deployment settled(Deployment d) {
        RunSettings settings = RunSettings.from(Map.of("target", Map.of("provider", "azure", "kind", "scale-set",
                "azure", Map.of("subscription-id", "s-1", "resource-group", "rg", "region", "westeurope"))));
        return d.edit().settings(settings).build();
    }

    static Deployment deployment(String id, Target target, DeploymentStatus status, int seconds) {
        Instant t = Instant.parse("2026-11-26T12:00:00Z").plusSeconds(seconds);
        return new Deployment.Builder().id(id).target(target).version("2.0.0").artifact("a.jar")
                .strategy("blue-green").correlationId("c-" + id).status(status).reason("r").slot("green")
                .createdAt(t).updatedAt(t).build();
    }
}
