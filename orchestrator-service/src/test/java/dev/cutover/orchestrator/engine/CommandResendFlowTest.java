package dev.cutover.orchestrator.engine;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.Topics;
import dev.cutover.orchestrator.testing.FlowTest;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the real broker: a provisioner that does not answer is asked again. The test's provision stage lasts 20 s
 * ({@code %test} timeouts); with the default two attempts its ProvisionSlot is published again at about 6.7 s, the
 * very same command (same messageId, same content, on the same topic and key), counted in
 * {@code cutover.orchestrator.commands.resent}, and a reply to it carries the deployment on.
 */
@QuarkusTest
class CommandResendFlowTest extends FlowTest {

    private static final Pattern RESENT = Pattern.compile(
            "cutover_orchestrator_commands_resent_total\\{type=\"dev\\.cutover\\.provisioner\\.provision-slot\\.v1\"} "
                    + "([0-9.]+)");

    private static double resentCount() {
        Matcher m = RESENT.matcher(given().when().get("/q/metrics").then().statusCode(200).extract().asString());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aCommandWithoutAReplyIsPublishedAgainWithTheSameMessageId() {
        double before = resentCount();
        String id = post("resend-flow", "1.0.0");
        resolveConfig(id, "sha256:resend", Map.of("router", Map.of("port", 18095),
                "health", Map.of("max-wait-ms", 2000, "monitor-window-ms", 300)));
        ProvisionSlot first = kafka.awaitMessage(ProvisionSlot.class, id);
        String topic = Topics.of(ProvisionSlot.class);

        // nobody answers: the same command again, within the stage's first third (+ slack)
        await().atMost(KafkaTestClient.WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                kafka.messages(topic, id, ProvisionSlot.class).size() >= 2);
        List<ProvisionSlot> sent = kafka.messages(topic, id, ProvisionSlot.class);
        assertEquals(first, sent.get(1), "same messageId, same content");
        assertEquals(first.meta().messageId(), sent.get(1).meta().messageId());
        long sameKey = kafka.records(topic).stream()
                .filter(r -> r.key() != null && r.key().equals(first.target().key())).count();
        assertTrue(sameKey >= 2, "keyed by the target like the first: " + sameKey);
        given().when().get("/deployments/" + id).then().statusCode(200)
                .body("status", equalTo(DeploymentStatus.PROVISIONING.name()))
                .body("stages[-1].name", equalTo("provision"))
                .body("stages[-1].commandId", equalTo(first.meta().messageId()));
        await().atMost(KafkaTestClient.WAIT).until(() -> resentCount() >= before + 1);

        // the provisioner answers the command it got twice: one reply, and the deployment goes on
        ProvisionSlot again = sent.get(1);
        kafka.send(new SlotProvisioned(Meta.causedBy(again.meta()), again.target(), again.slot(), again.version(),
                INSTANCE_URL, "i-" + again.slot()));
        awaitStatus(id, DeploymentStatus.VERIFYING);
    }
}
