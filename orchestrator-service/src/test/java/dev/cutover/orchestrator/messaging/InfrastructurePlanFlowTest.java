package dev.cutover.orchestrator.messaging;

import dev.cutover.events.DeploymentEvent.DeploymentRejected;
import dev.cutover.events.DeploymentRequestEvent.DeploymentRequested;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.HealthMonitorEvent.Outcome;
import dev.cutover.events.InfrastructurePlan;
import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.ApplyInfrastructure;
import dev.cutover.events.ProvisionerCommand.PlanInfrastructure;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerEvent.InfrastructureApplied;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.testing.FlowTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plan stage on a real broker, the test playing config-service and the provisioner's planner: a plan with
 * changes held for approval with nothing applied or provisioned until {@code POST /approve}, the plan shown by
 * {@code GET /deployments/{id}}; a strategy the target's kind cannot do refused at request time (REST 400 and
 * DeploymentRejected) once the orchestrator knows the kind.
 */
@QuarkusTest
class InfrastructurePlanFlowTest extends FlowTest {

    static final Map<String, Object> AZURE_APP_SERVICE = Map.of("provider", "azure", "kind", "app-service",
            "azure", Map.of("subscription-id", "sub-1", "resource-group", "rg-plan", "region", "westeurope"));

    static Map<String, Object> config(int port) {
        return Map.of("router", Map.of("port", port),
                "health", Map.of("max-wait-ms", 2000, "monitor-window-ms", 300),
                "infrastructure", Map.of("instance-count", 2, "instance-size", "Standard_D4s_v3"),
                "target", AZURE_APP_SERVICE,
                "hardening", Map.of("blocking", List.of("https-only")),
                "budget", Map.of("monthly-limit", 1500),
                "pipeline", Map.of("approval-before-provision", true));
    }

    static final InfrastructurePlan PLAN = new InfrastructurePlan("plan-flow-1", Placement.AZURE, Placement.APP_SERVICE,
            List.of(new InfrastructurePlan.ResourceChange("/subscriptions/sub-1/resourceGroups/rg-plan/providers/"
                    + "Microsoft.Web/serverfarms/plan-flow", "Microsoft.Web/serverfarms", InfrastructurePlan.Action.CREATE,
                    List.of(new InfrastructurePlan.PropertyChange("sku", null, "P1v3")))),
            List.of(new InfrastructurePlan.HardeningResult("https-only", Outcome.PASS, true, "httpsOnly set")),
            new InfrastructurePlan.CostEstimate("USD", 292.0, "2026-11-01", List.of(), 1500.0, false),
            List.of(new InfrastructurePlan.UnhonouredKey("infrastructure.storage-gb", "no storage account")), false);

    @Test
    void aPlanWithChangesWaitsForApprovalThenIsAppliedAndProvisioned() {
        String id = post("plan-flow", "1.0.0");
        resolveConfigOnly(id, "sha256:plan", config(18097), null);
        PlanInfrastructure planCommand = plan(id, PLAN);
        assertEquals(Placement.APP_SERVICE, planCommand.placement().kind());
        assertEquals(List.of("https-only"), planCommand.policy().blockingRules());
        assertEquals(1500.0, planCommand.policy().monthlyLimit());

        awaitStatus(id, DeploymentStatus.AWAITING_APPROVAL);
        given().when().get("/deployments/" + id).then()
                .body("hold.kind", equalTo("provision-approval"))
                .body("infrastructure.plan.id", equalTo("plan-flow-1"))
                .body("infrastructure.plan.changes[0].action", equalTo("CREATE"))
                .body("infrastructure.plan.hardening[0].rule", equalTo("https-only"))
                .body("infrastructure.plan.cost.priceTableDate", equalTo("2026-11-01"))
                .body("infrastructure.plan.unhonoured[0].key", equalTo("infrastructure.storage-gb"))
                .body("stages.name", hasItem("plan"))
                .body("pipeline.find { it.name == 'provision' }.status", equalTo("RUNNING"));
        assertTrue(kafka.messages(id).stream().noneMatch(m -> m instanceof ApplyInfrastructure
                || m instanceof ProvisionSlot), "nothing applied or provisioned before approval");

        given().contentType(ContentType.JSON).body(Map.of("by", "lead", "reason", "plan reviewed"))
                .when().post("/deployments/" + id + "/approve").then().statusCode(202);
        ApplyInfrastructure apply = kafka.awaitMessage(ApplyInfrastructure.class, id);
        assertEquals("plan-flow-1", apply.planId());
        kafka.send(new InfrastructureApplied(Meta.causedBy(apply.meta()), apply.target(), apply.planId(),
                List.of(PLAN.changes().get(0).resourceId()), List.of()));

        ProvisionSlot provision = provision(id);
        assertEquals(Placement.APP_SERVICE, provision.placement().kind());
        assertEquals(2, provision.instances());
        awaitStatus(id, DeploymentStatus.VERIFYING);
        given().when().get("/deployments/" + id).then()
                .body("infrastructure.appliedPlanId", equalTo("plan-flow-1"))
                .body("infrastructure.created[0]", equalTo(PLAN.changes().get(0).resourceId()));
    }

    @Test
    void aStrategyTheKnownTargetKindCannotDoIsRefusedAtRequestTime() {
        // the request itself says the kind: 400 before anything is accepted
        given().contentType(ContentType.JSON)
                .body(Map.of("application", "plan-kind", "environment", "test", "version", "1.0.0", "artifact", "a.jar",
                        "strategy", "rolling", "overrides", Map.of("target", Map.of("kind", "app-service"))))
                .when().post("/deployments").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", containsString("strategy-not-supported"))
                .body("detail", allOf(containsString("rolling"), containsString("app-service")));

        // an earlier deployment's resolved configuration says the kind: 400 for rolling, also while it runs
        String first = post("plan-kind", "1.0.0");
        resolveConfigOnly(first, "sha256:kind", config(18098), null);
        kafka.awaitMessage(PlanInfrastructure.class, first);
        given().contentType(ContentType.JSON)
                .body(Map.of("application", "plan-kind", "environment", "test", "version", "2.0.0", "artifact", "a.jar",
                        "strategy", "rolling"))
                .when().post("/deployments").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", allOf(containsString("rolling"), containsString("app-service")));

        String requestId = UUID.randomUUID().toString();
        sendSigned(new DeploymentRequested(new Meta(UUID.randomUUID().toString(), requestId, null, null,
                Instant.now()), new Target("plan-kind", "test"), "2.0.0", "a.jar", "rolling", null));
        DeploymentRejected rejected = kafka.awaitMessage(DeploymentRejected.class, requestId);
        assertEquals("strategy", rejected.field());
        given().when().get("/deployments/" + requestId).then().statusCode(404);
    }
}
