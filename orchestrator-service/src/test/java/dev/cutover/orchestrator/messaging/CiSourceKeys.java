package dev.cutover.orchestrator.messaging;

import dev.cutover.events.KafkaMessages;
import dev.cutover.events.Message;
import dev.cutover.orchestrator.webhook.CiSources;
import dev.cutover.security.webhook.StandardWebhooks;
import dev.cutover.security.webhook.WebhookKey;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CI sources of every @QuarkusTest in this module: {@value #SOURCE} (Standard Webhooks) and {@value #GITHUB}
 * (GitHub signatures), their keys in the orchestrator's local secret store (an owner-only file written here, before
 * the store checks it at startup). The keys are test keys, not used anywhere else.
 */
@QuarkusTestResource(value = CiSourceKeys.class, restrictToAnnotatedClass = false)
public class CiSourceKeys implements QuarkusTestResourceLifecycleManager {

    public static final String SOURCE = "test-ci";
    public static final String GITHUB = "test-github";
    /** A Standard Webhooks key (whsec_ + base64 of 32 bytes). */
    public static final String KEY_TEXT = "whsec_dGVzdC1jaS1rZXktb2YtdGhlLW9yY2hlc3RyYXRvci10ZXN0cw==";
    public static final String GITHUB_SECRET = "test-github-secret-of-the-orchestrator-tests";
    public static final WebhookKey KEY = WebhookKey.parse(KEY_TEXT);
    /** The notification sink {@code chat}'s signing key (secret {@code notify-test}). */
    public static final String NOTIFY_KEY_TEXT = "whsec_bm90aWZ5LWtleS1vZi10aGUtb3JjaGVzdHJhdG9yLXRlc3Rz";

    static final Path SECRETS = Path.of("target/ci-secrets-test/secrets.properties").toAbsolutePath();

    @Override
    public Map<String, String> start() {
        try {
            Files.createDirectories(SECRETS.getParent());
            Files.deleteIfExists(SECRETS);
            Files.createFile(SECRETS, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(SECRETS, "ci-test-ci=" + KEY_TEXT + "\nci-test-github=" + GITHUB_SECRET
                    + "\nnotify-test=" + NOTIFY_KEY_TEXT + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "cutover.secrets.store", "local",
                "cutover.secrets.local.file", SECRETS.toString(),
                "cutover.orchestrator.ci-sources." + SOURCE + ".key", "ci-test-ci",
                "cutover.orchestrator.ci-sources." + GITHUB + ".key", "ci-test-github",
                "cutover.orchestrator.ci-sources." + GITHUB + ".signature", "github");
    }

    @Override
    public void stop() {
        // the file stays in target/
    }

    /** {@code headers} plus the test source's signature over {@code body} (for records that are not messages). */
    public static Map<String, String> signed(Map<String, String> headers, byte[] body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putAll(StandardWebhooks.sign(KEY, body));
        all.put(CiSources.SOURCE_HEADER, SOURCE);
        return all;
    }

    /** The record headers of {@code m} as a CI source sends it: type headers, signature headers, source. */
    public static Map<String, String> signedHeaders(Message m) {
        return signedHeaders(m, KEY, SOURCE, StandardWebhooks.newId(), Instant.now());
    }

    public static Map<String, String> signedHeaders(Message m, WebhookKey key, String source, String id, Instant at) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : KafkaMessages.headers(m, "ci")) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        headers.putAll(StandardWebhooks.sign(key, id, at, KafkaMessages.value(m)));
        headers.put(CiSources.SOURCE_HEADER, source);
        return headers;
    }
}
