package dev.cutover.orchestrator.engine;

import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.InfrastructurePlan;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.PlanInfrastructure;
import dev.cutover.events.ProvisionerEvent.InfrastructurePlanned;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.SlotPlan;
import dev.cutover.orchestrator.settings.StageTimeouts;
import dev.cutover.orchestrator.store.SnapshotLog;
import dev.cutover.orchestrator.strategy.Strategies;
import dev.cutover.testing.kafka.KafkaBroker;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A restart in the middle of deployments: the state topic is seeded (as if a previous orchestrator had been
 * killed) before this application starts. It must re-issue each deployment's current command, give events a
 * grace period before enforcing deadlines that passed while it was down, and carry every deployment on.
 */
@QuarkusTest
@TestProfile(ResumeAfterRestartTest.Profile.class)
class ResumeAfterRestartTest {

    static final String STATE_TOPIC = "cutover.orchestrator.deployments.resume";
    static final String PROVISIONING = "resume-provisioning-" + UUID.randomUUID();
    static final String PENDING = "resume-pending-" + UUID.randomUUID();
    static final String PLANNING = "resume-planning-" + UUID.randomUUID();
    static final String MONITORING_EXPIRED = "resume-monitoring-" + UUID.randomUUID();
    static final String VERIFYING_EXPIRED = "resume-verifying-" + UUID.randomUUID();
    static final String URL = "http://127.0.0.1:41500";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cutover.orchestrator.state-topic", STATE_TOPIC,
                    "cutover.orchestrator.resume-grace", "10s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Seed.class));
        }
    }

    /** Writes what a killed orchestrator left behind. */
    public static class Seed implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            DeploymentStateMachine sm = new DeploymentStateMachine(StageTimeouts.DEFAULTS, Strategies.ALL);
            Instant now = Instant.now();
            Instant longAgo = now.minus(Duration.ofHours(1));
            try (SnapshotLog log = new SnapshotLog(Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers()),
                    STATE_TOPIC, Duration.ofSeconds(20))) {
                log.ensureTopic(1, (short) 1);
                log.write(drive(sm, PENDING, now, 0));
                log.write(drive(sm, PLANNING, now, 1));
                log.write(drive(sm, PROVISIONING, now, 2));
                log.write(drive(sm, VERIFYING_EXPIRED, longAgo, 3));
                log.write(drive(sm, MONITORING_EXPIRED, longAgo, 5));
            }
            return Map.of();
        }

        @Override
        public void stop() {
        }

        /** A first deployment of its own target, taken {@code steps} events along the happy path. */
        private static Deployment drive(DeploymentStateMachine sm, String id, Instant at, int steps) {
            Target target = target(id);
            Deployment d = sm.accept(id, id, new DeploymentRequest(target.application(), target.environment(), "1.0.0",
                    "a.jar", "blue-green", Map.of()), SlotPlan.after(null), null, at).after();
            if (steps == 0) {
                return d;
            }
            d = sm.start(d, at).after();
            Meta m = new Meta(UUID.randomUUID().toString(), id, id, null, at);
            List<dev.cutover.events.Event> path = List.of(
                    // retries off: the expired verify stage is expected to end the deployment
                    new ConfigResolved(m, target, "sha256:resume", Map.of("router", Map.of("port", 18100),
                            "health", Map.of("max-wait-ms", 2000, "monitor-window-ms", 300),
                            "recovery", Map.of("max-attempts", 1))),
                    new InfrastructurePlanned(m, target, new InfrastructurePlan("plan-resume", "local", "process",
                            List.of(), List.of(), null, List.of(), false)),
                    new SlotProvisioned(m, target, "blue", "1.0.0", URL, "i-1"),
                    new HealthCheckCompleted(m, target, "blue", "pre-switch", true, null, 3, List.of()),
                    new TrafficShifted(m, target, Map.of("blue", 100), null, "switch"));
            for (int i = 0; i < steps; i++) {
                d = sm.on(d, path.get(i), at).after();
            }
            return d;
        }
    }

    static Target target(String id) {
        return new Target(id.substring(0, id.indexOf('-', "resume-".length())), "test");
    }

    @Test
    void unfinishedDeploymentsResumeFromTheirCurrentStage() {
        try (KafkaTestClient kafka = KafkaTestClient.recordingAllTopics()) {
            // MONITORING whose deadline passed while "down": the re-issued check is answered within the grace
            Target monitored = target(MONITORING_EXPIRED);
            RunHealthCheck watch = kafka.awaitMessage(RunHealthCheck.class, MONITORING_EXPIRED,
                    c -> c.phase().equals("post-switch"));
            kafka.send(new HealthCheckCompleted(Meta.causedBy(watch.meta()), monitored, "blue", "post-switch", true,
                    null, 3, List.of()));
            awaitStatus(MONITORING_EXPIRED, DeploymentStatus.SUCCEEDED);

            // VERIFYING whose deadline passed, unanswered: after the grace the stage times out and the slot goes
            ReleaseSlot release = kafka.awaitMessage(ReleaseSlot.class, VERIFYING_EXPIRED);
            assertEquals("blue", release.slot());
            kafka.send(new SlotReleased(Meta.causedBy(release.meta()), target(VERIFYING_EXPIRED), "blue", "abort"));
            awaitStatus(VERIFYING_EXPIRED, DeploymentStatus.FAILED);
            given().when().get("/deployments/" + VERIFYING_EXPIRED).then()
                    .body("reason", containsString("stage verify timed out after 17s"));

            // PENDING: started now
            kafka.awaitMessage(ResolveConfig.class, PENDING);

            // planning: PlanInfrastructure re-issued with the resolved placement
            PlanInfrastructure plan = kafka.awaitMessage(PlanInfrastructure.class, PLANNING);
            assertEquals("process", plan.placement().kind());

            // PROVISIONING: ProvisionSlot re-issued, then the rest of the flow as usual
            Target provisioned = target(PROVISIONING);
            ProvisionSlot provision = kafka.awaitMessage(ProvisionSlot.class, PROVISIONING);
            assertEquals(18100, provision.routerPort());
            kafka.send(new SlotProvisioned(Meta.causedBy(provision.meta()), provisioned, "blue", "1.0.0", URL, "i-2"));
            RunHealthCheck pre = kafka.awaitMessage(RunHealthCheck.class, PROVISIONING,
                    c -> c.phase().equals("pre-switch"));
            kafka.send(new HealthCheckCompleted(Meta.causedBy(pre.meta()), provisioned, "blue", "pre-switch", true, null,
                    3, List.of()));
            ShiftTraffic shift = kafka.awaitMessage(ShiftTraffic.class, PROVISIONING);
            kafka.send(new TrafficShifted(Meta.causedBy(shift.meta()), provisioned, shift.weights(), null, "switch"));
            RunHealthCheck post = kafka.awaitMessage(RunHealthCheck.class, PROVISIONING,
                    c -> c.phase().equals("post-switch"));
            kafka.send(new HealthCheckCompleted(Meta.causedBy(post.meta()), provisioned, "blue", "post-switch", true,
                    null, 3, List.of()));
            awaitStatus(PROVISIONING, DeploymentStatus.SUCCEEDED);
        }
    }

    private static void awaitStatus(String id, DeploymentStatus status) {
        await().atMost(KafkaTestClient.WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                given().when().get("/deployments/" + id).then().statusCode(200).body("status", equalTo(status.name())));
    }
}
