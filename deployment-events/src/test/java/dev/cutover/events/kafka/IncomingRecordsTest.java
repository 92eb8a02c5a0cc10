package dev.cutover.events.kafka;

import dev.cutover.events.ConfigCommand;
import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent.ConfigRejected;
import dev.cutover.events.InvalidMessageException;
import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.events.MessageCodec;
import dev.cutover.events.Meta;
import dev.cutover.events.Target;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IncomingRecordsTest {

    private static final Target TARGET = new Target("shop", "prod");

    private static ConsumerRecord<String, byte[]> record(Message message) {
        return new ConsumerRecord<>(message.topic(), 0, 0L, ConsumerRecord.NO_TIMESTAMP, TimestampType.NO_TIMESTAMP_TYPE,
                ConsumerRecord.NULL_SIZE, ConsumerRecord.NULL_SIZE, message.target().key(), KafkaMessages.value(message),
                KafkaMessages.headers(message, "test"), Optional.empty());
    }

    private static ConsumerRecord<String, byte[]> record(String type, String body) {
        RecordHeaders headers = new RecordHeaders();
        if (type != null) {
            headers.add(MessageCodec.TYPE_HEADER, type.getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>("cutover.config.commands", 0, 0L, ConsumerRecord.NO_TIMESTAMP,
                TimestampType.NO_TIMESTAMP_TYPE, ConsumerRecord.NULL_SIZE, ConsumerRecord.NULL_SIZE, "shop/prod",
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers, Optional.empty());
    }

    @Test
    void aMessageOfTheHandledTypeIsReturned() {
        ResolveConfig command = new ResolveConfig(Meta.start("d-1"), TARGET, "v2", null);

        assertEquals(Optional.of(command), IncomingRecords.decode(record(command), ResolveConfig.class));
        assertEquals(Optional.of(command), IncomingRecords.decode(record(command), ConfigCommand.class),
                "a sealed group matches each of its records");
    }

    @Test
    void anotherValidMessageIsIgnored() {
        ConfigRejected event = new ConfigRejected(Meta.start("d-1"), TARGET, "unknown environment");

        assertTrue(IncomingRecords.decode(record(event), ResolveConfig.class).isEmpty());
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "null, {}",                                            // no ce_type
            "nope.v1, {}",                                         // unknown type
            "dev.cutover.config.resolve.v1, '{not json'",          // unreadable
            "dev.cutover.config.resolve.v1, '{\"version\": \"v2\"}'", // required fields missing
    })
    void aRecordThatIsNoValidMessageThrowsWithTheDeadLetterReason(String type, String body) {
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> IncomingRecords.decode(record(type, body), ResolveConfig.class));
        assertFalse(e.getMessage().isBlank(), "the reason goes to the dead-letter headers");
    }
}
