package dev.cutover.provisioner.azure.plan;

import dev.cutover.azure.standin.Call;
import dev.cutover.azure.standin.Fault;
import dev.cutover.events.InfrastructurePlan;
import dev.cutover.events.InfrastructurePlan.Action;
import dev.cutover.events.InfrastructurePlan.ResourceChange;
import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.Placement.Autoscale;
import dev.cutover.events.Placement.Infrastructure;
import dev.cutover.events.Placement.Network;
import dev.cutover.events.ProvisionerCommand.ApplyInfrastructure;
import dev.cutover.events.ProvisionerCommand.PlanInfrastructure;
import dev.cutover.events.ProvisionerCommand.Policy;
import dev.cutover.events.ProvisionerCommand.RouterSecurity;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.ProvisionerEvent.InfrastructureApplied;
import dev.cutover.events.ProvisionerEvent.InfrastructurePlanned;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.testing.kafka.KafkaBroker;
import dev.cutover.testing.kafka.KafkaBrokerTestResource;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An Azure target's plan and apply through Kafka on a real broker, the provisioner's own SDK clients talking to the
 * ARM stand-in: planned without a write, applied in one go, and an ARM conflict answered with ProvisioningFailed
 * naming what was created before it.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ArmStandInResource.class, restrictToAnnotatedClass = true)
class AzurePlanFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Policy POLICY = new Policy(List.of("https-only", "inbound-443-only", "private-endpoint"),
            2500.0);
    private static final RouterSecurity SECURITY = new RouterSecurity(true, true, null);
    private static final Map<String, String> ENV = Map.of("LOG_LEVEL", "warn");
    private static KafkaTestClient kafka;

    @BeforeAll
    static void open() {
        kafka = new KafkaTestClient(KafkaBroker.shared().bootstrapServers(), Topics.PROVISIONER_EVENTS);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void anAppServiceTargetIsPlannedThenAppliedOverKafka() {
        Target target = new Target("shop", "production");
        Placement placement = placement("rg-" + UUID.randomUUID().toString().substring(0, 8));
        int mark = ArmStandInResource.arm.calls().size();

        InfrastructurePlan plan = plan(target, placement);
        assertTrue(plan.changes().stream().allMatch(c -> c.action() == Action.CREATE));
        assertEquals(List.of(), writes(mark), "planning never writes");

        ApplyInfrastructure apply = apply(target, placement, plan.id());
        InfrastructureApplied applied = kafka.awaitRecordedReply(Topics.PROVISIONER_EVENTS,
                InfrastructureApplied.class, apply, WAIT);
        assertEquals(plan.changes().stream().map(ResourceChange::resourceId).toList(), applied.created());
        assertTrue(plan(target, placement).noChanges());
    }

    @Test
    void aConflictAtApplyIsAnsweredWithWhatWasCreated() {
        Target target = new Target("shop", "production");
        Placement placement = placement("rg-" + UUID.randomUUID().toString().substring(0, 8));
        InfrastructurePlan plan = plan(target, placement);
        ArmStandInResource.arm.faults().next("PUT", "/serverfarms/", Fault.conflict());

        ApplyInfrastructure apply = apply(target, placement, plan.id());
        ProvisioningFailed failed = kafka.awaitRecordedReply(Topics.PROVISIONER_EVENTS, ProvisioningFailed.class,
                apply, WAIT);
        assertEquals("apply", failed.operation());
        assertEquals(FailureCause.INFRASTRUCTURE, failed.cause());
        List<String> ids = plan.changes().stream().map(ResourceChange::resourceId).toList();
        assertEquals(ids.subList(0, ids.indexOf(placementPlanId(plan))), failed.createdResources());
    }

    private static Placement placement(String group) {
        return new Placement(Placement.AZURE, Placement.APP_SERVICE,
                new Infrastructure("Standard_D4s_v3", 3, new Autoscale(3, 10, 70), 100, "Standard_GRS"),
                new Network(List.of(443), true), true, new Placement.Azure(ArmStandInResource.SUBSCRIPTION, group, "westeurope", "shop-prod",
                null));
    }

    private static InfrastructurePlan plan(Target target, Placement placement) {
        PlanInfrastructure command = new PlanInfrastructure(Meta.start("dep-" + UUID.randomUUID()), target, placement,
                ENV, SECURITY, POLICY);
        kafka.send(command);
        return kafka.awaitRecordedReply(Topics.PROVISIONER_EVENTS, InfrastructurePlanned.class, command, WAIT).plan();
    }

    private static ApplyInfrastructure apply(Target target, Placement placement, String planId) {
        ApplyInfrastructure command = new ApplyInfrastructure(Meta.start("dep-" + UUID.randomUUID()), target,
                placement, ENV, SECURITY, POLICY, planId);
        kafka.send(command);
        return command;
    }

    private static String placementPlanId(InfrastructurePlan plan) {
        return plan.changes().stream().filter(c -> c.type().equals("Microsoft.Web/serverfarms")).findFirst()
                .orElseThrow().resourceId();
    }

    private static List<String> writes(int mark) {
        return ArmStandInResource.arm.calls().since(mark).stream().filter(c -> !c.method().equals("GET")
                && !c.isPoll() && !(c.method().equals("POST") && c.path().endsWith("/list"))).map(Call::line)
                .toList();
    }
}
