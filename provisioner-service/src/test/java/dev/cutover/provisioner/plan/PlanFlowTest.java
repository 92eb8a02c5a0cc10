package dev.cutover.provisioner.plan;

import dev.cutover.events.InfrastructurePlan;
import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.Placement.Autoscale;
import dev.cutover.events.Placement.Infrastructure;
import dev.cutover.events.ProvisionerCommand.ApplyInfrastructure;
import dev.cutover.events.ProvisionerCommand.PlanInfrastructure;
import dev.cutover.events.ProvisionerCommand.Policy;
import dev.cutover.events.ProvisionerCommand.RouterSecurity;
import dev.cutover.events.ProvisionerEvent.InfrastructureApplied;
import dev.cutover.events.ProvisionerEvent.InfrastructurePlanned;
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
 * PlanInfrastructure and ApplyInfrastructure through Kafka on a real broker: the provisioner answers a local
 * target's plan with InfrastructurePlanned (the keys it does not honour listed) and its apply with an empty
 * InfrastructureApplied, so a pipeline that plans every deployment never waits on a local one.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)
class PlanFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
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
    void aLocalTargetIsPlannedAndAppliedOverKafka() {
        Target target = new Target("shop", "plan-" + UUID.randomUUID().toString().substring(0, 8));
        Placement placement = new Placement(Placement.LOCAL, Placement.PROCESS,
                new Infrastructure("Standard_D2s_v3", 2, new Autoscale(2, 4, 70), null, null), null, false, null);
        Policy policy = new Policy(List.of("https-only"), 500.0);
        RouterSecurity security = new RouterSecurity(true, true, null);

        PlanInfrastructure plan = new PlanInfrastructure(Meta.start("dep-" + UUID.randomUUID()), target, placement,
                Map.of("LOG_LEVEL", "info"), security, policy);
        kafka.send(plan);
        InfrastructurePlan planned = kafka.awaitRecordedReply(Topics.PROVISIONER_EVENTS, InfrastructurePlanned.class,
                plan, WAIT).plan();
        assertEquals(Placement.LOCAL, planned.provider());
        assertTrue(planned.noChanges());
        assertEquals(List.of("infrastructure.instance-size", "infrastructure.autoscale.*"),
                planned.unhonoured().stream().map(InfrastructurePlan.UnhonouredKey::key).toList());

        ApplyInfrastructure apply = new ApplyInfrastructure(Meta.causedBy(plan.meta()), target, placement,
                plan.environment(), security, policy, planned.id());
        kafka.send(apply);
        InfrastructureApplied applied = kafka.awaitRecordedReply(Topics.PROVISIONER_EVENTS,
                InfrastructureApplied.class, apply, WAIT);
        assertEquals(planned.id(), applied.planId());
        assertTrue(applied.created().isEmpty() && applied.updated().isEmpty());
    }
}
