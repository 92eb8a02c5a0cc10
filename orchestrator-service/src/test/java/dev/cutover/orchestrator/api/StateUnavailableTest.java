package dev.cutover.orchestrator.api;

import dev.cutover.events.DeploymentEvent.DeploymentAccepted;
import dev.cutover.events.Topics;
import dev.cutover.orchestrator.testing.FlowTest;
import dev.cutover.testing.kafka.KafkaBroker;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state topic does not take a write (here: the broker refuses every snapshot, its topic's max.message.bytes set
 * below a snapshot's size; a broker that is down fails the same write by timeout): a state-changing call answers
 * {@code 503 application/problem+json} with {@code Retry-After}, and nothing of it is recorded or announced. Once
 * the topic takes writes again, the same request is accepted.
 */
@QuarkusTest
@TestProfile(StateUnavailableTest.Profile.class)
class StateUnavailableTest extends FlowTest {

    /**
     * Its own state topic (the refusal touches no other test's deployments) and a config stage long enough that the
     * deployment an operator aborts is still running when the abort comes.
     */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cutover.orchestrator.state-topic", "cutover.orchestrator.deployments.unavailable",
                    "cutover.orchestrator.members-topic", "cutover.orchestrator.members.unavailable",
                    "cutover.orchestrator.timeouts.config", "120s");
        }
    }

    private static Map<String, Object> deployment(String application) {
        return Map.of("application", application, "environment", "test", "version", "1.0.0",
                "artifact", "file:/apps/" + application + ".jar");
    }

    private static Response postBody(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/deployments");
    }

    /** The state topic refuses records larger than {@code bytes} (null: the broker's default again). */
    private static void limitSnapshots(Admin admin, String bytes) throws Exception {
        String topic = ConfigProvider.getConfig().getValue("cutover.orchestrator.state-topic", String.class);
        ConfigEntry entry = new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, bytes);
        AlterConfigOp op = new AlterConfigOp(entry, bytes == null ? AlterConfigOp.OpType.DELETE
                : AlterConfigOp.OpType.SET);
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(op)))
                .all().get(20, TimeUnit.SECONDS);
    }

    @Test
    void aWriteTheStateTopicRefusesIs503WithRetryAfterAndRecordsNothing() throws Exception {
        String running = "unavailable-running-" + UUID.randomUUID().toString().substring(0, 8);
        String refused = "unavailable-new-" + UUID.randomUUID().toString().substring(0, 8);
        String runningId = postBody(deployment(running)).then().statusCode(202).extract().path("id");
        String statusBefore = given().when().get("/deployments/" + runningId).then().statusCode(200)
                .extract().path("status");

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     KafkaBroker.shared().bootstrapServers()))) {
            limitSnapshots(admin, "64");
            try {
                // the broker applies the topic's new limit shortly after the change: until then a POST may pass
                long started = System.nanoTime();
                Response answer = await().atMost(KafkaTestClient.WAIT).pollInterval(Duration.ofMillis(500))
                        .until(() -> postBody(deployment(refused + "-" + System.nanoTime())),
                                r -> r.statusCode() == 503);
                answer.then()
                        .contentType(startsWith(Problem.MEDIA_TYPE))
                        .header("Retry-After", equalTo(String.valueOf(Problem.RETRY_AFTER_UNAVAILABLE_SECONDS)))
                        .body("status", equalTo(503))
                        .body("type", equalTo("https://cutover.dev/problems/state-unavailable"));

                // a fresh application: refused, not recorded, not announced
                postBody(deployment(refused)).then().statusCode(503)
                        .contentType(startsWith(Problem.MEDIA_TYPE))
                        .header("Retry-After", equalTo("5"));
                assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30), "no long hang");
                given().queryParam("application", refused).when().get("/deployments").then().statusCode(200)
                        .body("$", empty());
                String eventsTopic = Topics.of(DeploymentAccepted.class);
                assertTrue(kafka.records(eventsTopic).stream().noneMatch(r -> (refused + "/test").equals(r.key())),
                        "no DeploymentAccepted for the refused request");

                // an operator action is a state-changing call too
                given().contentType(ContentType.JSON).body(Map.of("reason", "test")).when()
                        .post("/deployments/" + runningId + "/abort").then().statusCode(503)
                        .contentType(startsWith(Problem.MEDIA_TYPE))
                        .header("Retry-After", equalTo("5"));
                assertEquals(statusBefore, given().when().get("/deployments/" + runningId).then().statusCode(200)
                        .extract().path("status"), "the abort was not recorded");
            } finally {
                limitSnapshots(admin, null);
            }
        }

        // the state topic takes writes again: the refused request goes through as it is
        await().atMost(KafkaTestClient.WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> postBody(deployment(refused)).statusCode() == 202);
        given().queryParam("application", refused).when().get("/deployments").then().statusCode(200)
                .body("size()", equalTo(1));
    }
}
