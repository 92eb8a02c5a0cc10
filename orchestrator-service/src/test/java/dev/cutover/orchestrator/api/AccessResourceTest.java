package dev.cutover.orchestrator.api;

import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.DeploymentEvent.Actor;
import dev.cutover.events.DeploymentEvent.DeploymentAccepted;
import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.InfrastructurePlan;
import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.ApplyInfrastructure;
import dev.cutover.events.ProvisionerCommand.PlanInfrastructure;
import dev.cutover.events.ProvisionerEvent.InfrastructurePlanned;
import dev.cutover.testing.kafka.KafkaTestClient;
import dev.cutover.testing.security.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may do what over REST, with real tokens signed by the test key: deny by default (401), another
 * application's deployment is not found (404), visible without the role is 403, four eyes in production, and every
 * state-changing call in the audit and on its events, with the token's subject whatever the body says.
 */
@QuarkusTest
class AccessResourceTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String NOT_FOUND = "https://cutover.dev/problems/not-found";
    private static final String FORBIDDEN = "https://cutover.dev/problems/forbidden";

    private KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = KafkaTestClient.recordingAllTopics();
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    private static Map<String, Object> request(String application, String environment) {
        return Map.of("application", application, "environment", environment, "version", "1.0.0",
                "artifact", "file:/apps/" + application + ".jar");
    }

    private static String start(String token, String application, String environment) {
        return as(token).body(request(application, environment)).when().post("/deployments").then().statusCode(202)
                .extract().path("id");
    }

    private static String status(String id) {
        return given().get("/deployments/" + id).then().statusCode(200).extract().path("status");
    }

    private static ValidatableResponse problem(ValidatableResponse r, int status) {
        return r.statusCode(status).contentType(startsWith(PROBLEM)).body("status", equalTo(status));
    }

    @Test
    void withoutAValidTokenEveryEndpointIs401() {
        String id = start(Tokens.admin(), "acc-anon", "test");
        for (String token : new String[]{null, Tokens.expired(), Tokens.wrongIssuer(), Tokens.wrongAudience(),
                Tokens.foreignKey(), "not-a-jwt"}) {
            RequestSpecification spec = token == null ? given().auth().none() : given().auth().oauth2(token);
            problem(spec.get("/deployments").then(), 401);
            problem((token == null ? given().auth().none() : given().auth().oauth2(token)).get("/deployments/" + id)
                    .then(), 401);
            problem((token == null ? given().auth().none() : given().auth().oauth2(token))
                    .contentType(ContentType.JSON).body(request("acc-anon", "test")).post("/deployments").then(), 401);
            for (String action : new String[]{"promote", "pause", "resume", "abort", "approve", "rollback",
                    "redeploy"}) {
                problem((token == null ? given().auth().none() : given().auth().oauth2(token))
                        .post("/deployments/" + id + "/" + action).then(), 401);
            }
        }
        // nothing was done to it (only its own config stage may have timed out meanwhile)
        given().get("/deployments/" + id).then().statusCode(200).body("actions.size()", equalTo(0))
                .body("audit.size()", equalTo(1));
        given().get("/deployments?application=acc-anon").then().body("size()", equalTo(1));
    }

    @Test
    void startingNeedsTheDeployerRoleForTheRequestsTarget() {
        for (String token : new String[]{Tokens.noGrants(), Tokens.grant("viewer", "acc-start", "test"),
                Tokens.grant("approver", "acc-start", "test"), Tokens.grant("deployer", "acc-start", "production"),
                Tokens.grant("deployer", "other-app", "test")}) {
            problem(as(token).body(request("acc-start", "test")).post("/deployments").then(), 403)
                    .body("type", equalTo(FORBIDDEN));
        }
        given().get("/deployments?application=acc-start").then().statusCode(200).body("size()", equalTo(0));
        String id = start(Tokens.forSubject("alice", "cutover:deployer:acc-start:*"), "acc-start", "test");
        given().get("/deployments/" + id).then().statusCode(200)
                .body("audit[0].action", equalTo("start"))
                .body("audit[0].subject", equalTo("alice"))
                .body("audit[0].via", equalTo("rest"))
                .body("audit[0].at", startsWith("20"));
        DeploymentAccepted accepted = kafka.awaitMessage(DeploymentAccepted.class, id);
        assertEquals(new Actor("alice", "rest", "start", null), accepted.actor());
    }

    @Test
    void anotherApplicationsDeploymentDoesNotExistForTheCaller() {
        String id = start(Tokens.admin(), "acc-hidden", "test");
        String other = Tokens.forSubject("carol", "cutover:admin:acc-other:*");
        problem(as(other).get("/deployments/" + id).then(), 404).body("type", equalTo(NOT_FOUND));
        // the same answer as for an id that does not exist
        String unknown = as(other).get("/deployments/no-such-id").then().statusCode(404).extract().path("type");
        assertEquals(NOT_FOUND, unknown);
        for (String action : new String[]{"promote", "pause", "resume", "abort", "approve", "rollback",
                "redeploy"}) {
            problem(as(other).post("/deployments/" + id + "/" + action).then(), 404).body("type", equalTo(NOT_FOUND));
        }
        as(other).get("/deployments").then().statusCode(200).body("id", not(hasItem(id)));
        as(other).get("/deployments?application=acc-hidden").then().statusCode(200).body("size()", equalTo(0));
        // a viewer of the application sees it, in the list too
        String viewer = Tokens.grant("viewer", "acc-hidden", "*");
        as(viewer).get("/deployments/" + id).then().statusCode(200).body("id", equalTo(id));
        as(viewer).get("/deployments").then().statusCode(200).body("id", hasItem(id));
        given().get("/deployments/" + id).then().body("actions.size()", equalTo(0));
    }

    @Test
    void visibleWithoutTheRoleIs403() {
        String id = start(Tokens.admin(), "acc-role", "test");
        for (String action : new String[]{"promote", "pause", "resume", "abort", "approve", "rollback",
                "redeploy"}) {
            problem(as(Tokens.grant("viewer", "acc-role", "test")).post("/deployments/" + id + "/" + action).then(),
                    403).body("type", equalTo(FORBIDDEN));
        }
        for (String action : new String[]{"promote", "pause", "resume", "abort", "rollback", "redeploy"}) {
            problem(as(Tokens.grant("approver", "acc-role", "test")).post("/deployments/" + id + "/" + action)
                    .then(), 403).body("type", equalTo(FORBIDDEN));
        }
        problem(as(Tokens.grant("deployer", "acc-role", "test")).post("/deployments/" + id + "/approve").then(), 403)
                .body("type", equalTo(FORBIDDEN));
        // allowed: the status decides (409), not the role
        problem(as(Tokens.grant("approver", "acc-role", "test")).post("/deployments/" + id + "/approve").then(), 409);
        problem(as(Tokens.grant("deployer", "acc-role", "test")).post("/deployments/" + id + "/pause").then(), 409);
        given().get("/deployments/" + id).then().body("actions.size()", equalTo(0)).body("audit.size()",
                equalTo(1));
    }

    /** The body's "by" does not let a caller claim another name: the token's subject is recorded. */
    @Test
    void theTokensSubjectIsRecordedWhateverTheBodySays() {
        String id = start(Tokens.admin(), "acc-by", "test");
        as(Tokens.forSubject("dave", "cutover:deployer:acc-by:test"))
                .body("{\"by\":\"the-cto\",\"reason\":\"wrong\\nbuild\\u001b[31m\"}")
                .post("/deployments/" + id + "/abort").then().statusCode(202)
                .body("status", equalTo("ROLLED_BACK"))
                .body("actions[0].by", equalTo("dave"))
                .body("reason", not(containsString("the-cto")))
                .body("audit[1].action", equalTo("abort"))
                .body("audit[1].subject", equalTo("dave"))
                .body("audit[1].via", equalTo("rest"))
                .body("audit[1].from", equalTo("CONFIGURING"))
                .body("audit[1].reason", equalTo("wrong build [31m"));
        DeploymentStatusChanged rolledBack = kafka.awaitMessage(DeploymentStatusChanged.class, id,
                c -> c.actor() != null && "abort".equals(c.actor().action()));
        assertEquals(new Actor("dave", "rest", "abort", "wrong build [31m"), rolledBack.actor());
        assertTrue(kafka.messages(id).stream().noneMatch(m -> m.toString().contains("the-cto")));
    }

    static final InfrastructurePlan PLAN = new InfrastructurePlan("plan-acc", Placement.AZURE, Placement.APP_SERVICE,
            List.of(new InfrastructurePlan.ResourceChange("/subscriptions/s/resourceGroups/rg/providers/"
                    + "Microsoft.Web/serverfarms/acc", "Microsoft.Web/serverfarms", InfrastructurePlan.Action.CREATE,
                    List.of())), List.of(), null, List.of(), false);

    /**
     * A production deployment whose infrastructure plan waits for approval. Tried again if its config stage (6 s in
     * tests) timed out while the orchestrator's consumers were still joining their group (the JVM's first test).
     */
    private String awaitingApproval(String requesterToken, String application) {
        for (int attempt = 1; ; attempt++) {
            String id = tryAwaitingApproval(requesterToken, application);
            if (id != null || attempt == 3) {
                assertTrue(id != null, "no deployment reached AWAITING_APPROVAL");
                return id;
            }
        }
    }

    private String tryAwaitingApproval(String requesterToken, String application) {
        String id = start(requesterToken, application, "production");
        ResolveConfig resolve = kafka.awaitMessage(ResolveConfig.class, id);
        kafka.send(new ConfigResolved(Meta.causedBy(resolve.meta()), resolve.target(), "sha256:acc",
                Map.of("router", Map.of("port", 18197), "health", Map.of("max-wait-ms", 2000, "monitor-window-ms", 300),
                        "target", Map.of("provider", "azure", "kind", "app-service", "azure",
                                Map.of("subscription-id", "s", "resource-group", "rg", "region", "westeurope")),
                        "pipeline", Map.of("approval-before-provision", true))));
        await().atMost(KafkaTestClient.WAIT).pollInterval(Duration.ofMillis(100)).until(() ->
                kafka.messages(id).stream().anyMatch(m -> m instanceof PlanInfrastructure) || status(id).equals("FAILED"));
        if (status(id).equals("FAILED")) {
            return null;
        }
        PlanInfrastructure plan = kafka.awaitMessage(PlanInfrastructure.class, id);
        kafka.send(new InfrastructurePlanned(Meta.causedBy(plan.meta()), plan.target(), PLAN));
        await().atMost(KafkaTestClient.WAIT).pollInterval(Duration.ofMillis(100)).until(() ->
                status(id).equals(DeploymentStatus.AWAITING_APPROVAL.name()));
        return id;
    }

    @Test
    void inProductionTheRequesterCannotApproveTheirOwnDeployment() {
        String alice = Tokens.forSubject("alice", "cutover:admin:acc-four:*");
        String id = awaitingApproval(alice, "acc-four");
        problem(as(alice).body("{\"reason\":\"looks fine to me\"}").post("/deployments/" + id + "/approve").then(),
                403).body("type", equalTo("https://cutover.dev/problems/four-eyes"));
        // claiming another name in the body changes nothing
        problem(as(alice).body("{\"by\":\"bob\"}").post("/deployments/" + id + "/approve").then(), 403);
        given().get("/deployments/" + id).then().body("status", equalTo("AWAITING_APPROVAL"));

        as(Tokens.forSubject("bob", "cutover:approver:acc-four:production"))
                .body("{\"reason\":\"plan reviewed\"}").post("/deployments/" + id + "/approve").then().statusCode(202)
                .body("audit.action", equalTo(List.of("start", "approve")))
                .body("audit.subject", equalTo(List.of("alice", "bob")))
                .body("audit[1].reason", equalTo("plan reviewed"))
                .body("audit[1].from", equalTo("AWAITING_APPROVAL"));
        kafka.awaitMessage(ApplyInfrastructure.class, id);
        DeploymentStatusChanged approved = kafka.awaitMessage(DeploymentStatusChanged.class, id,
                c -> c.actor() != null && "approve".equals(c.actor().action()));
        assertEquals(new Actor("bob", "rest", "approve", "plan reviewed"), approved.actor());
    }

    @Test
    void outsideTheFourEyesEnvironmentsTheRequesterMayApprove() {
        String alice = Tokens.forSubject("alice", "cutover:admin:acc-self:*");
        String id = start(alice, "acc-self", "test");
        // CONFIGURING: approving is allowed by role (the status refuses it), no four-eyes refusal outside production
        problem(as(alice).post("/deployments/" + id + "/approve").then(), 409);
    }
}
