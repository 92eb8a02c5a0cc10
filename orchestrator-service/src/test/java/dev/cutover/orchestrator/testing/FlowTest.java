package dev.cutover.orchestrator.testing;

import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.DeploymentRequestEvent.DeploymentRequested;
import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.KafkaMessages;
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
import dev.cutover.orchestrator.messaging.CiSourceKeys;
import dev.cutover.testing.kafka.KafkaTestClient;
import io.restassured.http.ContentType;
import dev.cutover.events.HealthMonitorCommand.CheckMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A flow test: the orchestrator runs on the real broker and the test plays config-service, provisioner,
 * health-monitor and rollback-service at the message level. Each test gets a {@link KafkaTestClient} recording every
 * topic; the agents' answers below await the orchestrator's command and answer it as the agent would when all goes
 * well, returning the command for the test to check.
 */
public abstract class FlowTest {

    /** Where {@link #provision(String)} says the new slot answers. */
    protected static final String INSTANCE_URL = "http://127.0.0.1:41001";
    /** Where {@link #playUntilMonitoring} says the router answers. */
    protected static final String ROUTER = "http://127.0.0.1:18090";

    protected KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = KafkaTestClient.recordingAllTopics();
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    // ---- the agents ----------------------------------------------------------------------------------------

    /** A first deployment (1.0.0) of the application, run to SUCCEEDED: blue is the stable slot of the next. */
    protected String succeededOnBlue(String application) {
        String first = post(application, "1.0.0");
        playHappyPath(first, "blue", null);
        awaitStatus(first, DeploymentStatus.SUCCEEDED);
        return first;
    }

    protected void playHappyPath(String id, String slot, String stableSlot) {
        playUntilMonitoring(id, slot, stableSlot);
        RunHealthCheck watch = passCheck(id, "post-switch");
        assertEquals(CheckMode.WATCH, watch.mode());
        assertEquals(300, watch.spec().windowMs());
        assertEquals(INSTANCE_URL, watch.baseUrl());
        if (stableSlot != null) {
            ReleaseSlot release = releaseSlot(id, r -> true);
            assertEquals(stableSlot, release.slot());
            assertEquals("cleanup", release.reason());
        }
    }

    protected void playUntilMonitoring(String id, String slot, String stableSlot) {
        resolveConfig(id, "sha256:test", Map.of(
                "router", Map.of("port", 18090),
                "app", Map.of("env", Map.of("MODE", "test")),
                "health", Map.of("max-wait-ms", 2000, "monitor-window-ms", 300)));

        ProvisionSlot provision = provision(id);
        assertEquals(slot, provision.slot());
        assertEquals(18090, provision.routerPort());
        assertEquals(Map.of("MODE", "test"), provision.environment());

        RunHealthCheck pre = passCheck(id, "pre-switch");
        assertEquals(CheckMode.UNTIL_HEALTHY, pre.mode());
        assertEquals(INSTANCE_URL, pre.baseUrl());
        assertEquals(2000, pre.spec().maxWaitMs());

        ShiftTraffic shift = shiftTraffic(id, s -> true, ROUTER);
        assertEquals(stableSlot == null ? Map.of(slot, 100) : Map.of(slot, 100, stableSlot, 0), shift.weights());
    }


    /** config-service: the deployment's configuration resolved as {@code config}. */
    protected ResolveConfig resolveConfig(String id, String hash, Map<String, Object> config) {
        return resolveConfig(id, hash, config, null);
    }

    protected ResolveConfig resolveConfig(String id, String hash, Map<String, Object> config,
                                          Map<String, String> provenance) {
        ResolveConfig resolve = resolveConfigOnly(id, hash, config, provenance);
        plan(id, NO_CHANGES);
        return resolve;
    }

    /** config-service alone: the plan that follows is the test's to answer. */
    protected ResolveConfig resolveConfigOnly(String id, String hash, Map<String, Object> config,
                                              Map<String, String> provenance) {
        ResolveConfig resolve = kafka.awaitMessage(ResolveConfig.class, id);
        kafka.send(new ConfigResolved(Meta.causedBy(resolve.meta()), resolve.target(), hash, config, provenance));
        return resolve;
    }

    /** What the local provider plans: nothing to create (local processes need no infrastructure). */
    protected static final InfrastructurePlan NO_CHANGES = new InfrastructurePlan("plan-local", "local", "process",
            List.of(), List.of(), null, List.of(), false);

    /** provisioner: the deployment's PlanInfrastructure answered with {@code plan}. */
    protected PlanInfrastructure plan(String id, InfrastructurePlan plan) {
        PlanInfrastructure command = kafka.awaitMessage(PlanInfrastructure.class, id);
        kafka.send(new InfrastructurePlanned(Meta.causedBy(command.meta()), command.target(), plan));
        return command;
    }

    /** provisioner: the commanded slot runs the commanded version, answering on {@link #INSTANCE_URL}. */
    protected ProvisionSlot provision(String id) {
        return provision(id, INSTANCE_URL);
    }

    /** provisioner: the commanded slot runs the commanded version, answering on {@code instanceUrl}. */
    protected ProvisionSlot provision(String id, String instanceUrl) {
        ProvisionSlot provision = kafka.awaitMessage(ProvisionSlot.class, id);
        kafka.send(new SlotProvisioned(Meta.causedBy(provision.meta()), provision.target(), provision.slot(),
                provision.version(), instanceUrl, "i-" + provision.slot()));
        return provision;
    }

    /** health-monitor: the deployment's check of {@code phase} (pre-switch, post-switch) passed. */
    protected RunHealthCheck passCheck(String id, String phase) {
        RunHealthCheck check = kafka.awaitMessage(RunHealthCheck.class, id, c -> c.phase().equals(phase));
        kafka.send(new HealthCheckCompleted(Meta.causedBy(check.meta()), check.target(), check.slot(), phase, true,
                null, 3, List.of()));
        return check;
    }

    /** provisioner: the deployment's first traffic shift is in place. */
    protected ShiftTraffic shiftTraffic(String id) {
        return shiftTraffic(id, s -> true, null);
    }

    /** provisioner: the first traffic shift that matches is in place, on the router at {@code routerUrl}. */
    protected ShiftTraffic shiftTraffic(String id, Predicate<ShiftTraffic> which, String routerUrl) {
        ShiftTraffic shift = kafka.awaitMessage(ShiftTraffic.class, id, which);
        kafka.send(new TrafficShifted(Meta.causedBy(shift.meta()), shift.target(), shift.weights(), routerUrl,
                shift.reason()));
        return shift;
    }

    /** provisioner: the first slot release that matches is done. */
    protected ReleaseSlot releaseSlot(String id, Predicate<ReleaseSlot> which) {
        ReleaseSlot release = kafka.awaitMessage(ReleaseSlot.class, id, which);
        kafka.send(new SlotReleased(Meta.causedBy(release.meta()), release.target(), release.slot(),
                release.reason()));
        return release;
    }

    // ---- CI ------------------------------------------------------------------------------------------------

    /** CI: {@code request} on the requests topic, signed by the test CI source (a fresh webhook-id each time). */
    protected void sendSigned(DeploymentRequested request) {
        kafka.sendRaw(request.topic(), KafkaMessages.key(request), CiSourceKeys.signedHeaders(request),
                KafkaMessages.value(request));
    }

    // ---- REST ----------------------------------------------------------------------------------------------

    /** A blue-green deployment of {@code application} to the environment "test"; its id. */
    protected static String post(String application, String version) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("application", application, "environment", "test", "version", version,
                        "artifact", "file:/apps/" + application + "-" + version + ".jar"))
                .when().post("/deployments").then().statusCode(202).extract().path("id");
    }

    protected static void awaitStatus(String id, DeploymentStatus status) {
        await().atMost(KafkaTestClient.WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                given().when().get("/deployments/" + id).then().statusCode(200)
                        .body("status", equalTo(status.name())));
    }
}
