package dev.cutover.events;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Maps messages to and from Kafka records: key = target, type in {@code ce_type}, JSON value. */
public final class KafkaMessages {

    private KafkaMessages() {
    }

    /** Reads a consumed record; throws {@link InvalidMessageException} with the dead-letter reason. */
    public static Message decode(Headers headers, byte[] value) {
        Header type = headers == null ? null : headers.lastHeader(MessageCodec.TYPE_HEADER);
        return MessageCodec.decode(type == null ? null : new String(type.value(), StandardCharsets.UTF_8), value);
    }

    /** Headers of a record carrying {@code message}, published by {@code source} (a service name). */
    public static Headers headers(Message message, String source) {
        RecordHeaders headers = new RecordHeaders();
        for (Map.Entry<String, String> h : MessageCodec.headers(message, source).entrySet()) {
            headers.add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    public static String key(Message message) {
        return message.target().key();
    }

    public static byte[] value(Message message) {
        return MessageCodec.encode(message);
    }
}
