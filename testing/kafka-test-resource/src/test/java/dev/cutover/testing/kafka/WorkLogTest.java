package dev.cutover.testing.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.events.kafka.WorkLog;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/** The agents' durable in-flight work, on the real broker. */
class WorkLogTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static Map<String, Object> kafka() {
        return Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers());
    }

    private static String commandTopic(int partitions) throws Exception {
        String topic = "cutover.test-" + UUID.randomUUID() + ".commands";
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.shared().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return topic;
    }

    @Test
    void workIsReadBackPerPartitionLatestFirstAndRemovedWorkIsGone() throws Exception {
        String commands = commandTopic(3);
        try (WorkLog log = new WorkLog(kafka(), commands, TIMEOUT)) {
            log.ensureTopic((short) 1);
            assertEquals(3, log.partitions(), "as many partitions as the command topic");
            assertEquals(WorkLog.topicFor(commands), log.topic());

            List<String> targets = IntStream.range(0, 12).mapToObj(i -> "app-" + i + "/development").toList();
            for (String t : targets) {
                log.put(t, "check", bytes(t + " v1"));
                log.put(t, "analysis", bytes(t + " analysis"));
            }
            for (String t : targets) {
                log.put(t, "check", bytes(t + " v2")); // the newer state of the same work wins
            }
            log.remove(targets.get(0), "analysis");

            // a fresh reader (the restarted agent) sees exactly the live work of the partitions it asks for
            try (WorkLog restarted = new WorkLog(kafka(), commands, TIMEOUT)) {
                restarted.ensureTopic((short) 1);
                int partition = restarted.partitionOf(targets.get(0));
                List<WorkLog.Entry> mine = restarted.read(Set.of(partition));
                List<String> expectedTargets = targets.stream().filter(t -> restarted.partitionOf(t) == partition)
                        .toList();
                assertTrue(expectedTargets.size() >= 1);
                assertEquals(expectedTargets.size() * 2 - 1, mine.size(), "one removed");
                for (WorkLog.Entry e : mine) {
                    assertEquals(partition, e.partition());
                    assertTrue(expectedTargets.contains(e.targetKey()), e.targetKey());
                    String expected = e.workId().equals("check") ? e.targetKey() + " v2" : e.targetKey() + " analysis";
                    assertEquals(expected, new String(e.value(), StandardCharsets.UTF_8));
                }
                assertTrue(mine.stream().noneMatch(e -> e.targetKey().equals(targets.get(0))
                        && e.workId().equals("analysis")));

                List<WorkLog.Entry> all = restarted.read(Set.of(0, 1, 2));
                assertEquals(targets.size() * 2 - 1, all.size());
                assertEquals(List.of(), restarted.read(Set.of()));
            }
        }
    }

    @Test
    void workGoesToThePartitionKafkaGivesItsTargetsCommands() throws Exception {
        String commands = commandTopic(4);
        Map<String, Object> producer = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.shared().bootstrapServers());
        try (WorkLog log = new WorkLog(kafka(), commands, TIMEOUT);
             KafkaProducer<String, String> p = new KafkaProducer<>(producer, new StringSerializer(),
                     new StringSerializer())) {
            log.ensureTopic((short) 1);
            for (int i = 0; i < 20; i++) {
                String target = "shop-" + i + "/production";
                RecordMetadata sent = p.send(new ProducerRecord<>(commands, target, "{}")).get(30, TimeUnit.SECONDS);
                assertEquals(sent.partition(), log.partitionOf(target), target);
                assertEquals(sent.partition(), WorkLog.partitionOf(target, 4), target);
            }
        }
    }

    @Test
    void theWorkTopicIsCompactedAndAMismatchedOneIsRefused() throws Exception {
        String commands = commandTopic(2);
        try (WorkLog log = new WorkLog(kafka(), commands, TIMEOUT);
             Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     KafkaBroker.shared().bootstrapServers()))) {
            log.ensureTopic((short) 1);
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, log.topic());
            String policy = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, policy);

            String other = commandTopic(3);
            admin.createTopics(List.of(new NewTopic(WorkLog.topicFor(other), 1, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
            try (WorkLog mismatched = new WorkLog(kafka(), other, TIMEOUT)) {
                assertThrows(IllegalStateException.class, () -> mismatched.ensureTopic((short) 1));
                assertThrows(IllegalStateException.class, () -> mismatched.put("a/b", "w", bytes("x")),
                        "no write before the topic is set up");
            }
        }
    }

    @Test
    void valuesSurviveAsWritten() throws Exception {
        String commands = commandTopic(1);
        try (WorkLog log = new WorkLog(kafka(), commands, TIMEOUT)) {
            log.ensureTopic((short) 1);
            byte[] value = new byte[]{0, 1, 2, (byte) 255};
            log.put("a/b", "w1", value);
            assertArrayEquals(value, log.read(Set.of(0)).get(0).value());
            assertThrows(IllegalArgumentException.class, () -> log.put("a|b", "w", value));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
