package dev.cutover.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.nio.charset.StandardCharsets;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON on the wire, type name in a CloudEvents binary-mode header. The set of types is read from the
 * sealed hierarchy under {@link Message}, so adding a record to a sealed group registers it.
 */
public final class MessageCodec {

    /** CloudEvents binary mode headers (Kafka protocol binding). */
    public static final String TYPE_HEADER = "ce_type";
    public static final String ID_HEADER = "ce_id";
    public static final String SOURCE_HEADER = "ce_source";
    public static final String SPEC_VERSION_HEADER = "ce_specversion";
    public static final String TIME_HEADER = "ce_time";
    public static final String CONTENT_TYPE_HEADER = "content-type";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private static final Map<String, Class<? extends Message>> TYPES = scan();

    private MessageCodec() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static Collection<String> typeNames() {
        return Collections.unmodifiableSet(TYPES.keySet());
    }

    public static Class<? extends Message> classOf(String typeName) {
        return TYPES.get(typeName);
    }

    public static String typeName(Class<? extends Message> type) {
        TypeName name = type.getAnnotation(TypeName.class);
        if (name == null) {
            throw new IllegalStateException(type + " has no @TypeName");
        }
        return name.value();
    }

    public static String typeName(Message message) {
        return typeName(message.getClass());
    }

    public static byte[] encode(Message message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + typeName(message), e);
        }
    }

    public static String encodeToString(Message message) {
        return new String(encode(message), StandardCharsets.UTF_8);
    }

    /** Headers for a record carrying {@code message}, published by {@code source} (a service name). */
    public static Map<String, String> headers(Message message, String source) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(SPEC_VERSION_HEADER, "1.0");
        headers.put(ID_HEADER, message.meta().messageId());
        headers.put(SOURCE_HEADER, source);
        headers.put(TYPE_HEADER, typeName(message));
        headers.put(TIME_HEADER, message.meta().occurredAt().toString());
        headers.put(CONTENT_TYPE_HEADER, "application/json");
        return headers;
    }

    /**
     * Reads a record body given its type header. Unknown fields are ignored (additive evolution);
     * a missing or unknown type, unparsable JSON or a missing required field is an
     * {@link InvalidMessageException} whose message is the reason for the dead-letter topic.
     */
    public static Message decode(String typeName, byte[] body) {
        if (typeName == null || typeName.isBlank()) {
            throw new InvalidMessageException("missing " + TYPE_HEADER + " header");
        }
        Class<? extends Message> type = TYPES.get(typeName);
        if (type == null) {
            throw new InvalidMessageException("unknown message type " + typeName);
        }
        if (body == null || body.length == 0) {
            throw new InvalidMessageException("empty body for " + typeName);
        }
        Message message;
        try {
            message = MAPPER.readValue(body, type);
        } catch (Exception e) {
            throw new InvalidMessageException("unreadable " + typeName + ": " + firstLine(e.getMessage()), e);
        }
        List<String> missing = new ArrayList<>();
        missingFields((Record) message, "", missing);
        if (!missing.isEmpty()) {
            throw new InvalidMessageException("invalid " + typeName + ": missing " + String.join(", ", missing));
        }
        return message;
    }

    public static Message decode(String typeName, String body) {
        return decode(typeName, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static void missingFields(Record value, String prefix, List<String> missing) {
        for (RecordComponent component : value.getClass().getRecordComponents()) {
            Object field;
            try {
                field = component.getAccessor().invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            boolean optional = component.isAnnotationPresent(OptionalField.class);
            boolean absent = field == null || (field instanceof String s && s.isBlank());
            if (absent && !optional) {
                missing.add(prefix + component.getName());
            } else if (field instanceof Record nested && nested.getClass().getPackage() == MessageCodec.class.getPackage()) {
                missingFields(nested, prefix + component.getName() + ".", missing);
            }
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static Map<String, Class<? extends Message>> scan() {
        Map<String, Class<? extends Message>> types = new LinkedHashMap<>();
        collect(Message.class, types);
        return Collections.unmodifiableMap(types);
    }

    @SuppressWarnings("unchecked")
    private static void collect(Class<?> type, Map<String, Class<? extends Message>> types) {
        if (type.isRecord()) {
            Class<? extends Message> message = (Class<? extends Message>) type;
            Class<? extends Message> clash = types.put(typeName(message), message);
            if (clash != null) {
                throw new IllegalStateException("type name used twice: " + typeName(message));
            }
            return;
        }
        for (Class<?> sub : type.getPermittedSubclasses()) {
            collect(sub, types);
        }
    }
}
