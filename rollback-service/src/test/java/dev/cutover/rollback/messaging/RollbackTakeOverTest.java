package dev.cutover.rollback.messaging;

import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.events.kafka.WorkLog;
import dev.cutover.testing.kafka.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real channel loses a target and gets it back mid-rollback: a second member joins the service's consumer group
 * (a plain consumer with the same RangeAssignor, whose client id sorts first, so partition 0 of both topics becomes
 * its), takes the target away and leaves without doing anything, as a replica that dies would. The service, assigned
 * the partition again, resumes the rollback from the work log: the same ShiftTraffic (same messageId) again, and the
 * rollback completes on the provisioner's reply; a repeated StartRollback afterwards is answered again, no traffic
 * moves.
 */
@QuarkusTest
class RollbackTakeOverTest extends RollbackBrokerTest {

    private static final String GROUP = "cutover-rollback";

    /** A target on partition 0 of topics with {@code partitions} partitions. */
    private static Target targetOnPartitionZero(int partitions) {
        for (int i = 0; ; i++) {
            Target t = new Target("takeover-" + i, "staging");
            if (WorkLog.partitionOf(t.key(), partitions) == 0) {
                return t;
            }
        }
    }

    @Test
    void aRollbackWhosePartitionMovesAwayAndBackMidRollbackResumesWithTheSameCommand() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.CLIENT_ID_CONFIG, "0-rollback-replica-" + UUID.randomUUID(),
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        try (KafkaConsumer<String, byte[]> replica = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            int partitions = replica.partitionsFor(Topics.ROLLBACK_COMMANDS).size();
            Target target = targetOnPartitionZero(partitions);
            String id = "rb-" + UUID.randomUUID();
            StartRollback command = new StartRollback(Meta.start(id), target, "blue", "green", "immediate",
                    "post-switch failed");
            kafka.send(command);
            ShiftTraffic shift = awaitOne(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class);

            // another member takes partition 0 (the service lets its rollback go), then dies without a word
            replica.subscribe(List.of(Topics.ROLLBACK_COMMANDS, Topics.PROVISIONER_EVENTS));
            TopicPartition zero = new TopicPartition(Topics.ROLLBACK_COMMANDS, 0);
            await().atMost(WAIT).pollInSameThread().until(() -> {
                replica.poll(Duration.ofMillis(200));
                return replica.assignment().contains(zero);
            });
            replica.close(Duration.ofSeconds(5));

            List<ShiftTraffic> sent = awaitCount(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class, 2);
            assertEquals(List.of(shift.meta().messageId(), shift.meta().messageId()),
                    sent.stream().map(s -> s.meta().messageId()).toList(), "sent again with the same id");

            // the provisioner answers both sends (it is idempotent); only one moves the rollback on
            kafka.send(new TrafficShifted(Meta.causedBy(shift.meta()), target, shift.weights(), null, "rollback"));
            kafka.send(new TrafficShifted(Meta.causedBy(shift.meta()), target, shift.weights(), null, "rollback"));
            ReleaseSlot release = awaitOne(Topics.PROVISIONER_COMMANDS, id, ReleaseSlot.class);
            kafka.send(new SlotReleased(Meta.causedBy(release.meta()), target, "green", "rollback"));
            RollbackCompleted completed = awaitOne(Topics.ROLLBACK_EVENTS, id, RollbackCompleted.class);

            kafka.send(command);
            List<RollbackCompleted> answers = awaitCount(Topics.ROLLBACK_EVENTS, id, RollbackCompleted.class, 2);
            assertEquals(completed, answers.get(1), "the same answer again");
            assertEquals(2, kafka.messages(Topics.PROVISIONER_COMMANDS, id, ShiftTraffic.class).size(),
                    "no second rollback");
            assertEquals(1, kafka.messages(Topics.PROVISIONER_COMMANDS, id, ReleaseSlot.class).size());
        }
    }
}
