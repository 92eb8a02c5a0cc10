package dev.cutover.orchestrator.cdevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CDEvents 0.5.1 JSON schemas (draft 2020-12), from the classpath ({@code cdevents/v0.5.1/schemas}), each
 * registered under its {@code $id} so the {@code links/*} references resolve without a network. A CDEvent type
 * {@code dev.cdevents.<subject>.<predicate>.<version>} is checked against
 * {@code https://cdevents.dev/0.5.1/schema/<subject>-<predicate>-event}.
 */
public final class CdEventSchemas {

    public static final String SPEC_VERSION = "0.5.1";
    public static final String BASE = "https://cdevents.dev/" + SPEC_VERSION + "/schema/";
    private static final String ROOT = "cdevents/v0.5.1/schemas/";
    private static final List<String> LINKS = List.of("embeddedlinkend", "embeddedlinkpath", "embeddedlinkrelation",
            "embeddedlinksarray", "linkend", "linkpath", "linkrelation", "linkstart");
    private static final Pattern TYPE = Pattern.compile("dev\\.cdevents\\.([a-z]+)\\.([a-z]+)\\.(\\d+\\.\\d+\\.\\d+)");

    private static final CdEventSchemas INSTANCE = new CdEventSchemas();

    private final JsonSchemaFactory factory;
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    private CdEventSchemas() {
        Map<String, String> byId = new HashMap<>();
        for (String link : LINKS) {
            byId.put(BASE + "links/" + link, read(ROOT + "links/" + link + ".json"));
        }
        factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b.schemaLoaders(l -> l
                .schemas(byId).schemas(id -> {
                    // an event's schema: <subject>-<predicate>-event in <subject><predicate>.json
                    if (id.startsWith(BASE) && id.endsWith("-event")) {
                        String name = id.substring(BASE.length(), id.length() - "-event".length()).replace("-", "");
                        return readOrNull(ROOT + name + ".json");
                    }
                    return null;
                })));
    }

    public static CdEventSchemas get() {
        return INSTANCE;
    }

    /** The schema id of a CDEvent type, e.g. {@code dev.cdevents.service.upgraded.0.3.0}. */
    public static String schemaId(String type) {
        Matcher m = TYPE.matcher(type == null ? "" : type);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a CDEvents type: " + type);
        }
        return BASE + m.group(1) + "-" + m.group(2) + "-event";
    }

    /**
     * @return what the event breaks of its type's schema (the type from {@code context.type}), empty when valid
     * @throws IllegalArgumentException the event names no type of CDEvents 0.5.1
     */
    public List<String> violations(JsonNode cdevent) {
        String type = cdevent.path("context").path("type").asText(null);
        String id = schemaId(type);
        JsonSchema schema = schemas.computeIfAbsent(id, s -> {
            if (readOrNull(ROOT + s.substring(BASE.length(), s.length() - "-event".length()).replace("-", "")
                    + ".json") == null) {
                throw new IllegalArgumentException("not a type of CDEvents " + SPEC_VERSION + ": " + type);
            }
            return factory.getSchema(SchemaLocation.of(s));
        });
        if (!type.equals(schema.getSchemaNode().path("properties").path("context").path("properties").path("type")
                .path("default").asText())) {
            throw new IllegalArgumentException("not a type of CDEvents " + SPEC_VERSION + ": " + type);
        }
        return schema.validate(cdevent).stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    private static String read(String resource) {
        String text = readOrNull(resource);
        if (text == null) {
            throw new IllegalStateException("missing " + resource + " on the classpath");
        }
        return text;
    }

    private static String readOrNull(String resource) {
        try (InputStream in = CdEventSchemas.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
