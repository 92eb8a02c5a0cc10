package dev.cutover.provisioner.messaging;

import dev.cutover.events.Message;
import dev.cutover.events.Topics;
import dev.cutover.provisioner.TestProcesses;
import dev.cutover.testing.kafka.KafkaBroker;
import dev.cutover.testing.kafka.KafkaTestClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The tests' end of the provisioner's topics on the module's shared broker: commands in, events recorded from the
 * beginning. Closing it also kills every process the provisioner started for the tests.
 */
final class ProvisionerTopics implements AutoCloseable {

    /** cutover.provisioner.local.work-dir in the %test profile. */
    static final Path WORK_DIR = Path.of("target/provisioner-test");
    /** Starting an instance and a router takes seconds, more on a busy machine. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaTestClient kafka;

    /** Records cutover.provisioner.events and {@code alsoRecorded}. */
    ProvisionerTopics(String... alsoRecorded) {
        kafka = new KafkaTestClient(KafkaBroker.shared().bootstrapServers(),
                Stream.concat(Stream.of(Topics.PROVISIONER_EVENTS), Stream.of(alsoRecorded)).toArray(String[]::new));
    }

    KafkaTestClient kafka() {
        return kafka;
    }

    void send(Message command) {
        kafka.send(command);
    }

    /** The provisioner's answer to {@code cause}, of {@code type}. */
    <T extends Message> T awaitReply(Class<T> type, Message cause) {
        return kafka.awaitRecordedReply(Topics.PROVISIONER_EVENTS, type, cause, WAIT);
    }

    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            TestProcesses.killAll(WORK_DIR);
        }
    }
}
