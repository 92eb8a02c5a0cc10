package dev.cutover.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent.ConfigRejected;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.DeploymentEvent.DeploymentAccepted;
import dev.cutover.events.DeploymentEvent.DeploymentRejected;
import dev.cutover.events.DeploymentEvent.DeploymentStatusChanged;
import dev.cutover.events.DeploymentRequestEvent.DeploymentRequested;
import dev.cutover.events.HealthMonitorCommand.CheckMode;
import dev.cutover.events.HealthMonitorCommand.HealthCheckSpec;
import dev.cutover.events.HealthMonitorCommand.RunHealthCheck;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.HealthMonitorEvent.ProbeResult;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.HealthMonitorEvent.DecisionRecord;
import dev.cutover.events.HealthMonitorEvent.MetricSample;
import dev.cutover.events.HealthMonitorEvent.Outcome;
import dev.cutover.events.HealthMonitorEvent.RuleOutcome;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;
import dev.cutover.events.HealthMonitorCommand.RunAnalysis;
import dev.cutover.events.RollbackEvent.RollbackStepCompleted;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.ReleaseSlot;
import dev.cutover.events.ProvisionerCommand.RouterSecurity;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.SlotReleased;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.RollbackCommand.CancelRollback;
import dev.cutover.events.RollbackCommand.StartRollback;
import dev.cutover.events.RollbackEvent.RollbackCompleted;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.RollbackEvent.RollbackStarted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golden JSON files under {@code src/test/resources/golden} are the wire contract. A change to a
 * record that would break a reader (renamed or removed field, changed type name) fails here.
 * Regenerate deliberately with {@code -Dgolden.write=true} only for a new type or an additive change.
 */
class GoldenSamplesTest {

    static final Meta META = new Meta("6f1c2a9e-0000-4000-8000-000000000001", "d-42",
            "6f1c2a9e-0000-4000-8000-000000000000", "6f1c2a9e-0000-4000-8000-000000000000",
            Instant.parse("2026-11-26T12:00:00Z"));
    static final Target TARGET = new Target("shop", "staging");

    static List<Message> samples() {
        return List.of(
                new DeploymentRequested(META, TARGET, "2.0.0", "file:/opt/apps/shop-2.0.0.jar", "blue-green",
                        Map.of("health", Map.of("consecutive-successes", 3))),
                new DeploymentAccepted(META, TARGET, "2.0.0", "blue-green"),
                new DeploymentAccepted(META, TARGET, "2.0.0", "blue-green",
                        new DeploymentEvent.Actor("ci:github-shop", "kafka", "start", null)),
                new DeploymentRejected(META, TARGET, "2.0.0", "target shop/staging already has active deployment d-41", "target"),
                new DeploymentStatusChanged(META, TARGET, "2.0.0", DeploymentStatus.MONITORING, "monitor", "traffic on green"),
                new DeploymentStatusChanged(META, TARGET, "2.0.0", DeploymentStatus.PROVISIONING, "provision",
                        "instance exited with 1; retrying", new DeploymentEvent.Failure("INFRASTRUCTURE_FAILURE", "MEDIUM",
                                true, "retried automatically", "retry 2/3 in 60s", 1)),
                new DeploymentStatusChanged(META, TARGET, "2.0.0", DeploymentStatus.ROLLING_BACK, "rollback",
                        "aborted by operator (alice@example.com: error budget spent)", null,
                        new DeploymentEvent.Actor("alice@example.com", "rest", "abort", "error budget spent")),
                new ResolveConfig(META, TARGET, "2.0.0", Map.of("app", Map.of("env", Map.of("LOG_LEVEL", "debug")))),
                new ConfigResolved(META, TARGET, "sha256:ab12", Map.of("router", Map.of("port", 18080))),
                new ConfigResolved(META, TARGET, "sha256:cd34", Map.of("router", Map.of("port", 18080),
                        "health", Map.of("timeout-ms", 500)), Map.of("router.port", "environment:staging",
                        "health.timeout-ms", "overrides")),
                new ConfigRejected(META, TARGET, "unknown environment 'stagin'"),
                new ProvisionSlot(META, TARGET, "green", "2.0.0", "file:/opt/apps/shop-2.0.0.jar",
                        Map.of("LOG_LEVEL", "debug"), 18080),
                new ProvisionSlot(META, TARGET, "green", "2.0.0", "file:/opt/apps/shop-2.0.0.jar",
                        Map.of("LOG_LEVEL", "warn"), 18280,
                        new RouterSecurity(true, true, "default-src 'self'; frame-ancestors 'none'")),
                new ShiftTraffic(META, TARGET, Map.of("green", 100, "blue", 0), "switch"),
                new ShiftTraffic(META, TARGET, Map.of("green", 100, "blue", 0), "switch",
                        new RouterSecurity(true, false, null)),
                new ReleaseSlot(META, TARGET, "blue", "cleanup"),
                new SlotProvisioned(META, TARGET, "green", "2.0.0", "http://127.0.0.1:40123", "pid-4242"),
                new SlotProvisioned(META, TARGET, "green", "2.0.0", "http://127.0.0.1:40123", "pid-4242",
                        "http://127.0.0.1:18081"),
                new ProvisioningFailed(META, TARGET, "green", "provision", "process exited with 1"),
                new ProvisioningFailed(META, TARGET, "green", "provision", "configuration error: secret db-password not found",
                        ProvisionerEvent.FailureCause.CONFIGURATION),
                new TrafficShifted(META, TARGET, Map.of("green", 100, "blue", 0), "http://127.0.0.1:18080", "switch"),
                new TrafficShifted(META, TARGET, Map.of("green", 100, "blue", 0), "http://127.0.0.1:18080", "switch",
                        "http://127.0.0.1:18081"),
                new SlotReleased(META, TARGET, "blue", "cleanup"),
                new RunHealthCheck(META, TARGET, "green", "http://127.0.0.1:40123", "pre-switch", CheckMode.UNTIL_HEALTHY,
                        new HealthCheckSpec(List.of("/health", "/ready"), 1000, 250, 3, 30000, 0, 2)),
                new HealthCheckCompleted(META, TARGET, "green", "pre-switch", false, "/health answered 503", 7,
                        List.of(new ProbeResult("/health", 503, 4, "status 503"), new ProbeResult("/ready", 200, 3, null))),
                new StartRollback(META, TARGET, "blue", "green", "immediate", "post-switch health check failed"),
                new StartRollback(META, TARGET, "stable", "canary", "gradual", "canary error rate 20% > 5%",
                        List.of(25, 5, 0), 1000L, "http://127.0.0.1:40121"),
                new StartRollback(META, TARGET, "a1", "b1", "rolling", "health check of instance b2 failed",
                        null, null, null, List.of("a1", "a2", "a3"), List.of("b1", "b2")),
                new CancelRollback(META, TARGET, "promoted by operator"),
                new RollbackStepCompleted(META, TARGET, 1, Map.of("stable", 75, "canary", 25)),
                new RunAnalysis(META, TARGET, "canary", "stable", 2, 25, "http://127.0.0.1:18081", "http://127.0.0.1:40123",
                        new AnalysisSpec(30000, 1000, 50, 3, 10000, InsufficientDataPolicy.PAUSE, 1.5, 1.2, 0.8, 0.05, 2000,
                                List.of("/health"), 2)),
                new RunAnalysis(META, TARGET, "canary", "stable", 0, 5, "http://127.0.0.1:18081", "http://127.0.0.1:40123",
                        new AnalysisSpec(30000, 1000, 50, 2, 10000, InsufficientDataPolicy.PAUSE, 1.5, 1.2, 0.8, 0.05, 2000,
                                List.of("/health"), 2, 10000L)),
                new AnalysisCompleted(META, TARGET, "canary", 2, Verdict.FAIL, new DecisionRecord(
                        new MetricSample(412, 83, 0.2015, 38.0, 16.5), new MetricSample(1240, 2, 0.0016, 35.0, 16.6),
                        List.of(new RuleOutcome("error-rate-absolute", Outcome.FAIL, 0.2015, null, 0.05, "20.1% > 5.0%"),
                                new RuleOutcome("error-rate-relative", Outcome.FAIL, 0.2015, 0.0016, 1.5, "20.1% > 1.5 x 0.2%"),
                                new RuleOutcome("latency-p95-relative", Outcome.PASS, 38.0, 35.0, 1.2, "38 ms <= 1.2 x 35 ms")),
                        "error-rate-absolute", "canary error rate 20.1% above 5.0%", 4000, 0, null)),
                new RollbackStarted(META, TARGET, "blue", "green", "immediate"),
                new RollbackCompleted(META, TARGET, "blue", 120, 640),
                new RollbackFailed(META, TARGET, "router did not accept weights"),
                // Azure placement on the slot commands, the plan stage's commands and events
                new ProvisionSlot(META, TARGET, "green", "2.0.0", "file:/opt/apps/shop-2.0.0.jar",
                        Map.of("DB_PASSWORD", "@Microsoft.KeyVault(SecretUri=https://kv-shop.vault.azure.net/secrets/db)"),
                        18280, new RouterSecurity(true, true, null), AZURE_APP_SERVICE, 3),
                new ShiftTraffic(META, TARGET, Map.of("green", 100, "blue", 0), "switch", null, AZURE_APP_SERVICE),
                new ReleaseSlot(META, TARGET, "blue", "cleanup", AZURE_APP_SERVICE),
                new ProvisionerCommand.PlanInfrastructure(META, TARGET, AZURE_APP_SERVICE, Map.of("LOG_LEVEL", "warn"),
                        new RouterSecurity(true, true, null), POLICY),
                // the artifact's digest on the request and on the slot command
                new DeploymentRequested(META, new Target("shop", "production"), "2.0.0",
                        "https://artifacts.example/shop/shop-2.0.0.jar", "canary", Map.of(), SHA256),
                new ProvisionSlot(META, new Target("shop", "production"), "green", "2.0.0",
                        "https://artifacts.example/shop/shop-2.0.0.jar", Map.of("LOG_LEVEL", "warn"), 18280,
                        new RouterSecurity(true, true, null), null, 3, SHA256),
                new ProvisionerCommand.ApplyInfrastructure(META, TARGET, AZURE_APP_SERVICE, Map.of("LOG_LEVEL", "warn"),
                        new RouterSecurity(true, true, null), POLICY, "sha256:9f2c"),
                new ProvisionerEvent.InfrastructurePlanned(META, TARGET, new InfrastructurePlan("sha256:9f2c",
                        Placement.AZURE, Placement.APP_SERVICE, List.of(
                        new InfrastructurePlan.ResourceChange(RG + "/providers/Microsoft.Web/serverfarms/shop-production",
                                "Microsoft.Web/serverfarms", InfrastructurePlan.Action.UPDATE,
                                List.of(new InfrastructurePlan.PropertyChange("sku.name", "P1v3", "P2v3"))),
                        new InfrastructurePlan.ResourceChange(RG + "/providers/Microsoft.Network/privateEndpoints/shop-production",
                                "Microsoft.Network/privateEndpoints", InfrastructurePlan.Action.CREATE,
                                List.of(new InfrastructurePlan.PropertyChange("subnet", null, "apps")))),
                        List.of(new InfrastructurePlan.HardeningResult("https-only", Outcome.PASS, true, "httpsOnly is true"),
                                new InfrastructurePlan.HardeningResult("inbound-443-only", Outcome.FAIL, false,
                                        "port 80 open to the internet")),
                        new InfrastructurePlan.CostEstimate("USD", 584.4, "2026-11-01", List.of(
                                new InfrastructurePlan.CostItem("serverfarms/shop-production", "P2 v3 App", "P2v3",
                                        "westeurope", 0.2669, "1 Hour", 2190, 584.4)), 6000.0, false),
                        List.of(new InfrastructurePlan.UnhonouredKey("infrastructure.storage-gb",
                                "an App Service plan has no disk to size")), false)),
                new ProvisionerEvent.InfrastructureApplied(META, TARGET, "sha256:9f2c",
                        List.of(RG + "/providers/Microsoft.Network/privateEndpoints/shop-production"),
                        List.of(RG + "/providers/Microsoft.Web/serverfarms/shop-production")),
                new ProvisioningFailed(META, TARGET, null, "apply", "operation on privateEndpoints/shop-production still"
                        + " running after 600s", ProvisionerEvent.FailureCause.TIMEOUT,
                        List.of(RG + "/providers/Microsoft.Web/serverfarms/shop-production")),
                // a generic local target: a tar.gz started with app.command, its router port from the pool
                new ProvisionSlot(META, TARGET, "green", "2.0.0", "file:/opt/releases/shop-2.0.0.tar.gz",
                        Map.of("LOG_LEVEL", "warn"), ProvisionSlot.ROUTER_PORT_FROM_POOL, null, null, 2, SHA256,
                        "python3 app.py --port {port}"),
                new SlotProvisioned(META, TARGET, "green", "2.0.0", "http://127.0.0.1:40123", "local:4242",
                        "http://127.0.0.1:18343", "http://127.0.0.1:18342"));
    }

    static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    static final String RG = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-shop";

    static final Placement AZURE_APP_SERVICE = new Placement(Placement.AZURE, Placement.APP_SERVICE,
            new Placement.Infrastructure("Standard_D4s_v3", 3, new Placement.Autoscale(3, 10, 70), 100, "Standard_GRS"),
            new Placement.Network(List.of(443), true), true,
            new Placement.Azure("00000000-0000-0000-0000-000000000001", "rg-shop", "westeurope", "shop-production",
                    "kv-shop"));

    static final ProvisionerCommand.Policy POLICY = new ProvisionerCommand.Policy(List.of("https-only", "min-tls-1.2",
            "ftps-disabled", "managed-identity", "secrets-as-key-vault-references", "inbound-443-only",
            "private-endpoint", "diagnostics-enabled"), 6000.0);

    static Message sample(Class<? extends Message> type) {
        return samples().stream().filter(type::isInstance).findFirst().orElseThrow();
    }

    @Test
    void everyMessageGoesToItsFamilysTopic() {
        Map<Class<?>, String> families = Map.of(ProvisionerCommand.class, Topics.PROVISIONER_COMMANDS,
                ProvisionerEvent.class, Topics.PROVISIONER_EVENTS, RollbackCommand.class, Topics.ROLLBACK_COMMANDS,
                RollbackEvent.class, Topics.ROLLBACK_EVENTS, HealthMonitorCommand.class, Topics.HEALTH_MONITOR_COMMANDS,
                HealthMonitorEvent.class, Topics.HEALTH_MONITOR_EVENTS, ConfigCommand.class, Topics.CONFIG_COMMANDS,
                ConfigEvent.class, Topics.CONFIG_EVENTS, DeploymentEvent.class, Topics.DEPLOYMENT_EVENTS,
                DeploymentRequestEvent.class, Topics.DEPLOYMENT_REQUESTS);
        for (Message m : samples()) {
            String expected = families.entrySet().stream().filter(e -> e.getKey().isInstance(m)).map(Map.Entry::getValue)
                    .findFirst().orElseThrow(() -> new AssertionError("no family for " + m.getClass()));
            assertEquals(expected, m.topic(), m.getClass().getName());
        }
    }

    @Test
    void everyRegisteredTypeHasASample() {
        Map<String, Long> sampled = samples().stream()
                .collect(Collectors.groupingBy(MessageCodec::typeName, Collectors.counting()));
        assertEquals(MessageCodec.typeNames().stream().sorted().toList(), sampled.keySet().stream().sorted().toList());
    }

    /** One golden file per sample: the type name, and a counter for a second sample of a type. */
    static List<Arguments> goldenCases() {
        Map<String, Integer> seen = new LinkedHashMap<>();
        return samples().stream().map(sample -> {
            String typeName = MessageCodec.typeName(sample);
            int n = seen.merge(typeName, 1, Integer::sum);
            return Arguments.of(typeName + (n == 1 ? "" : "." + n), sample);
        }).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCases")
    void sampleMatchesGoldenFileBothWays(String fileName, Message sample) throws IOException {
        String typeName = MessageCodec.typeName(sample);
        String resource = "/golden/" + fileName + ".json";
        if (Boolean.getBoolean("golden.write")) {
            Path file = Path.of("src/test/resources/golden", fileName + ".json");
            Files.writeString(file, MessageCodec.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(sample) + "\n");
        }
        String golden;
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            assertNotNull(in, "no golden sample " + resource);
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(sample, MessageCodec.decode(typeName, golden), "golden file no longer reads as the sample");
        JsonNode written = MessageCodec.mapper().readTree(MessageCodec.encode(sample));
        assertEquals(MessageCodec.mapper().readTree(golden), written, "the sample no longer writes as the golden file");
    }

    /**
     * Placement, instances and createdResources arrived later: a command or event written without them (older
     * senders) still reads, as local processes, one instance per slot and nothing created.
     */
    @Test
    void placementInstancesAndCreatedResourcesAreOptional() throws IOException {
        ObjectNode slot = (ObjectNode) MessageCodec.mapper().readTree(golden("dev.cutover.provisioner.provision-slot.v1.3"));
        slot.remove(List.of("placement", "instances"));
        ProvisionSlot read = (ProvisionSlot) MessageCodec.decode("dev.cutover.provisioner.provision-slot.v1",
                slot.toString());
        assertEquals(null, read.placement());
        assertEquals(1, read.instances());
        ObjectNode release = (ObjectNode) MessageCodec.mapper().readTree(golden("dev.cutover.provisioner.release-slot.v1.2"));
        release.remove("placement");
        assertEquals(null, ((ReleaseSlot) MessageCodec.decode("dev.cutover.provisioner.release-slot.v1",
                release.toString())).placement());
        ObjectNode failed = (ObjectNode) MessageCodec.mapper().readTree(golden("dev.cutover.provisioner.failed.v1.3"));
        failed.remove(List.of("createdResources", "cause"));
        assertEquals(List.of(), ((ProvisioningFailed) MessageCodec.decode("dev.cutover.provisioner.failed.v1",
                failed.toString())).createdResources());
    }

    /** The digest arrived later: requests and slot commands written without it still read, with none. */
    @Test
    void sha256IsOptional() throws IOException {
        assertEquals(null, ((DeploymentRequested) MessageCodec.decode("dev.cutover.deployment.requested.v1",
                golden("dev.cutover.deployment.requested.v1"))).sha256());
        assertEquals(null, ((ProvisionSlot) MessageCodec.decode("dev.cutover.provisioner.provision-slot.v1",
                golden("dev.cutover.provisioner.provision-slot.v1.3"))).sha256());
        assertEquals(SHA256, ((DeploymentRequested) MessageCodec.decode("dev.cutover.deployment.requested.v1",
                golden("dev.cutover.deployment.requested.v1.2"))).sha256());
        assertEquals(SHA256, ((ProvisionSlot) MessageCodec.decode("dev.cutover.provisioner.provision-slot.v1",
                golden("dev.cutover.provisioner.provision-slot.v1.4"))).sha256());
    }

    /** The actor arrived later: accepted and status-changed events written without it still read. */
    @Test
    void actorIsOptional() throws IOException {
        assertEquals(null, ((DeploymentAccepted) MessageCodec.decode("dev.cutover.deployment.accepted.v1",
                golden("dev.cutover.deployment.accepted.v1"))).actor());
        assertEquals(null, ((DeploymentStatusChanged) MessageCodec.decode("dev.cutover.deployment.status-changed.v1",
                golden("dev.cutover.deployment.status-changed.v1.2"))).actor());
        ObjectNode json = (ObjectNode) MessageCodec.mapper().readTree(golden("dev.cutover.deployment.status-changed.v1.3"));
        ((ObjectNode) json.get("actor")).remove("reason");
        assertEquals(new DeploymentEvent.Actor("alice@example.com", "rest", "abort", null),
                ((DeploymentStatusChanged) MessageCodec.decode("dev.cutover.deployment.status-changed.v1",
                        json.toString())).actor());
    }

    @Test
    void routerSecurityIsOptionalAndItsCspToo() throws IOException {
        // written before the field existed: no security, the router keeps what it has
        String old = golden("dev.cutover.provisioner.shift-traffic.v1");
        assertEquals(null, ((ShiftTraffic) MessageCodec.decode("dev.cutover.provisioner.shift-traffic.v1", old)).security());
        String oldSlot = golden("dev.cutover.provisioner.provision-slot.v1");
        assertEquals(null, ((ProvisionSlot) MessageCodec.decode("dev.cutover.provisioner.provision-slot.v1", oldSlot))
                .security());
        // a blank csp is no csp, not a missing field
        ObjectNode json = (ObjectNode) MessageCodec.mapper().readTree(old);
        json.putObject("security").put("httpsOnly", false).put("hsts", true).put("csp", " ");
        ShiftTraffic read = (ShiftTraffic) MessageCodec.decode("dev.cutover.provisioner.shift-traffic.v1", json.toString());
        assertEquals(new RouterSecurity(false, true, null), read.security());
    }

    private String golden(String fileName) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/golden/" + fileName + ".json")) {
            assertNotNull(in, fileName);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void typeNamesAreStableDottedNamesNotJavaClassNames() {
        for (String name : MessageCodec.typeNames()) {
            assertTrue(name.matches("dev\\.cutover\\.[a-z]+(\\.[a-z-]+)+\\.v\\d+"), name);
        }
    }

    @Test
    void unknownFieldsAreIgnored() throws IOException {
        ObjectNode json = (ObjectNode) MessageCodec.mapper().readTree(MessageCodec.encode(samples().get(0)));
        json.put("addedInAFutureVersion", "ignored");
        json.with("meta").put("traceparent", "00-abc");
        Message read = MessageCodec.decode("dev.cutover.deployment.requested.v1", json.toString());
        assertEquals(samples().get(0), read);
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        String json = "{\"meta\":{\"messageId\":\"m1\",\"occurredAt\":\"2026-11-26T12:00:00Z\"},"
                + "\"target\":{\"application\":\"shop\"},\"version\":\" \"}";
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> MessageCodec.decode("dev.cutover.deployment.requested.v1", json));
        assertTrue(e.getMessage().contains("target.environment"), e.getMessage());
        assertTrue(e.getMessage().contains("version"), e.getMessage());
        assertTrue(e.getMessage().contains("artifact"), e.getMessage());
    }

    @Test
    void malformedRecordsAreInvalidWithAReason() {
        assertTrue(assertThrows(InvalidMessageException.class, () -> MessageCodec.decode(null, "{}"))
                .getMessage().contains("ce_type"));
        assertTrue(assertThrows(InvalidMessageException.class, () -> MessageCodec.decode("com.example.Foo", "{}"))
                .getMessage().contains("unknown message type"));
        assertTrue(assertThrows(InvalidMessageException.class,
                () -> MessageCodec.decode("dev.cutover.traffic.shifted.v1", "{not json"))
                .getMessage().startsWith("unreadable"));
        assertTrue(assertThrows(InvalidMessageException.class,
                () -> MessageCodec.decode("dev.cutover.traffic.shifted.v1", ""))
                .getMessage().startsWith("empty body"));
    }

    @Test
    void headersFollowCloudEventsBinaryMode() {
        Map<String, String> headers = new LinkedHashMap<>(MessageCodec.headers(sample(TrafficShifted.class), "provisioner-service"));
        assertEquals("dev.cutover.traffic.shifted.v1", headers.get("ce_type"));
        assertEquals(META.messageId(), headers.get("ce_id"));
        assertEquals("1.0", headers.get("ce_specversion"));
        assertEquals("provisioner-service", headers.get("ce_source"));
    }

    @Test
    void targetKeyRoundTrips() {
        assertEquals(TARGET, Target.parse(TARGET.key()));
        assertThrows(IllegalArgumentException.class, () -> Target.parse("no-slash"));
    }

    @Test
    void kafkaRecordRoundTrip() {
        Message sample = sample(ShiftTraffic.class);
        org.apache.kafka.common.header.Headers headers = KafkaMessages.headers(sample, "orchestrator-service");
        assertEquals(sample, KafkaMessages.decode(headers, KafkaMessages.value(sample)));
        assertEquals("shop/staging", KafkaMessages.key(sample));
        assertThrows(InvalidMessageException.class,
                () -> KafkaMessages.decode(new org.apache.kafka.common.header.internals.RecordHeaders(), KafkaMessages.value(sample)));
    }
}
