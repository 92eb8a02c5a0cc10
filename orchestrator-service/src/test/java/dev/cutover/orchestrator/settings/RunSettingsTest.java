package dev.cutover.orchestrator.settings;

import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.Policy;
import dev.cutover.events.ProvisionerCommand.RouterSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunSettingsTest {

    @Test
    void defaultsWhenHealthKeysAreMissing() {
        RunSettings s = RunSettings.from(Map.of("router", Map.of("port", 18080)));
        assertEquals(18080, s.routerPort());
        assertEquals(Map.of(), s.environment());
        assertEquals(HealthSettings.DEFAULTS, s.health());
        assertEquals(new HealthSettings(List.of("/health", "/ready"), 1000, 200, 3, 30000, 2, 5000), s.health());
    }

    @Test
    void readsNestedKeys() {
        RunSettings s = RunSettings.from(Map.of(
                "router", Map.of("port", "18081"),
                "app", Map.of("env", Map.of("A", 1, "B", true, "DB_PASSWORD", "secret://db-password")),
                "health", Map.of("paths", List.of("/live"), "timeout-ms", 500, "interval-ms", 50,
                        "consecutive-successes", 2, "max-wait-ms", 4000, "failure-threshold", 1,
                        "monitor-window-ms", 1500)));
        assertEquals(18081, s.routerPort());
        assertEquals(Map.of("A", "1", "B", "true", "DB_PASSWORD", "secret://db-password"), s.environment());
        assertEquals(new HealthSettings(List.of("/live"), 500, 50, 2, 4000, 1, 1500), s.health());
    }

    @Test
    void theTargetBecomesThePlacementAndThePolicy() {
        RunSettings local = RunSettings.from(Map.of("router.port", 1));
        assertEquals(new TargetSettings(new Placement(Placement.LOCAL, Placement.PROCESS,
                new Placement.Infrastructure(null, 1, null, null, null), new Placement.Network(List.of(443), false),
                true, null), new Policy(List.of(), null), false), local.target());

        RunSettings azure = RunSettings.from(Map.of("router", Map.of("port", 18280),
                "target", Map.of("provider", "azure", "kind", "scale-set", "azure", Map.of("subscription-id", "s-1",
                        "resource-group", "rg", "region", "westeurope", "key-vault", "kv")),
                "infrastructure", Map.of("instance-count", 3, "instance-size", "Standard_D4s_v3", "storage-gb", 100,
                        "storage-redundancy", "Standard_GRS", "autoscale", Map.of("min", 3, "max", 10, "target-cpu", 70)),
                "network", Map.of("inbound-ports", List.of(443), "private-endpoint", true),
                "diagnostics", Map.of("enabled", false),
                "hardening", Map.of("blocking", List.of("https-only", "private-endpoint")),
                "budget", Map.of("monthly-limit", 6000),
                "pipeline", Map.of("approval-before-provision", true)))
                .forTarget(new dev.cutover.events.Target("shop", "production"));
        Placement p = azure.placement();
        assertEquals(new Placement(Placement.AZURE, Placement.SCALE_SET, new Placement.Infrastructure("Standard_D4s_v3",
                3, new Placement.Autoscale(3, 10, 70), 100, "Standard_GRS"), new Placement.Network(List.of(443), true),
                false, new Placement.Azure("s-1", "rg", "westeurope", "shop-production", "kv")), p);
        assertEquals(new Policy(List.of("https-only", "private-endpoint"), 6000.0), azure.target().policy());
        assertTrue(azure.target().approvalBeforeProvision());
    }

    @Test
    void anAzureTargetWithoutItsSubscriptionNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunSettings.from(Map.of(
                "router.port", 1, "target", Map.of("provider", "azure", "kind", "app-service",
                        "azure", Map.of("resource-group", "rg", "region", "westeurope")))));
        assertTrue(e.getMessage().startsWith("target.azure.subscription-id"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunSettings.from(Map.of("router.port", 1,
                "infrastructure", Map.of("autoscale", Map.of("min", 5, "max", 2)))));
    }

    @Test
    void readsFlatDottedKeys() {
        RunSettings s = RunSettings.from(Map.of("router.port", 18082, "health.max-wait-ms", 7000,
                "health.paths", "/a, /b", "app.env", Map.of("X", "y")));
        assertEquals(18082, s.routerPort());
        assertEquals(7000, s.health().maxWaitMs());
        assertEquals(List.of("/a", "/b"), s.health().paths());
        assertEquals(Map.of("X", "y"), s.environment());
    }

    @Test
    void rolloutDefaultsAndOverrides() {
        assertEquals(RolloutSettings.DEFAULTS, RunSettings.from(Map.of("router.port", 1)).rollout());
        RolloutSettings r = RunSettings.from(Map.of("router", Map.of("port", 18080),
                "canary", Map.of("steps", List.of(10, 30)),
                "analysis", Map.of("window-ms", 4000, "insufficient-data-policy", "FAIL", "max-error-rate", 0.1,
                        "health-paths", List.of("/live"), "warmup-ms", 2500),
                "rollback", Map.of("strategy", "gradual", "step-interval-ms", 1500),
                "infrastructure", Map.of("instance-count", 3),
                "rolling", Map.of("max-surge", 0, "max-unavailable", 1),
                "pipeline", Map.of("approval-before-promote", true, "timeouts", Map.of("test-ms", 90000)))).rollout();
        assertEquals(List.of(10, 30, 100), r.canarySteps());
        assertEquals(4000, r.analysis().windowMs());
        assertEquals(dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy.FAIL,
                r.analysis().insufficientDataPolicy());
        assertEquals(0.1, r.analysis().maxErrorRate());
        assertEquals(List.of("/live"), r.analysis().healthPaths());
        assertEquals(1.5, r.analysis().maxErrorRateRatio());
        assertEquals(2500, r.analysis().warmup());
        assertEquals("gradual", r.rollbackStrategy());
        assertEquals(1500, r.rollbackStepIntervalMs());
        assertEquals(3, r.instanceCount());
        assertEquals(0, r.maxSurge());
        assertEquals(1, r.maxUnavailable());
        assertTrue(r.approvalBeforePromote());
        assertEquals(Map.of("test", 90000L), r.pipelineTimeoutsMs());
    }

    @Test
    void flatAndNestedKeysMixAndCommaSeparatedListsRead() {
        RunSettings s = RunSettings.from(Map.of("router", Map.of("port", 18080), "canary.steps", "10, 40",
                "analysis", Map.of("insufficient-data-policy", "pass"), "pipeline.timeouts.deploy-ms", "60000",
                "app.env", Map.of("LOG.LEVEL", "debug")));
        assertEquals(List.of(10, 40, 100), s.rollout().canarySteps());
        assertEquals(dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy.PASS,
                s.rollout().analysis().insufficientDataPolicy());
        assertEquals(Map.of("deploy", 60000L), s.rollout().pipelineTimeoutsMs());
        assertEquals(Map.of("LOG.LEVEL", "debug"), s.environment(), "variable names are never split");
    }

    @Test
    void applicationSettingsReachTheInstanceAsVariables() {
        RunSettings s = RunSettings.from(Map.of("router.port", 1, "application", Map.of("log-level", "debug",
                "hot-reload", true, "source-maps", false), "app.env", Map.of("GREETING", "hi")));
        assertEquals(Map.of("LOG_LEVEL", "debug", "HOT_RELOAD", "true", "SOURCE_MAPS", "false", "GREETING", "hi"),
                s.environment());
        RunSettings own = RunSettings.from(Map.of("router.port", 1, "application.log-level", "warn",
                "app.env", Map.of("LOG_LEVEL", "trace")));
        assertEquals("trace", own.environment().get("LOG_LEVEL"), "a variable set in app.env wins");
        assertThrows(IllegalArgumentException.class,
                () -> RunSettings.from(Map.of("router.port", 1, "application.hot-reload", "sometimes")));
    }

    @Test
    void routerSecurityComesFromTheSecurityKeys() {
        assertNull(RunSettings.from(Map.of("router.port", 1)).security(), "nothing said: the router keeps what it has");
        RunSettings s = RunSettings.from(Map.of("router.port", 1, "security", Map.of("https-only", true, "hsts", true,
                "csp", "default-src 'self'")));
        assertEquals(new RouterSecurity(true, true, "default-src 'self'"), s.security());
        assertEquals(new RouterSecurity(false, false, null),
                RunSettings.from(Map.of("router.port", 1, "security.https-only", false)).security());
    }

    @Test
    void withoutARouterPortThePoolGivesOneAndAppCommandIsRead() {
        RunSettings none = RunSettings.from(Map.of());
        assertEquals(RunSettings.ROUTER_PORT_FROM_POOL, none.routerPort());
        assertEquals(0, none.routerPort());
        assertEquals(null, none.command());
        assertEquals(0, RunSettings.from(Map.of("router.port", 0)).routerPort());
        assertEquals(18090, RunSettings.from(Map.of("router", Map.of("port", 18090))).routerPort());
        assertEquals("node server.js --port {port}",
                RunSettings.from(Map.of("app", Map.of("command", " node server.js --port {port} "))).command());
        assertEquals("./app {port}", RunSettings.from(Map.of("app.command", "./app {port}")).command());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(Map.of("router.port", -1), "router.port"),
                Arguments.of(Map.of("router", Map.of("port", "http")), "router.port"),
                Arguments.of(Map.of("router", Map.of("port", 70000)), "router.port"),
                Arguments.of(Map.of("router.port", 1, "health", Map.of("timeout-ms", -1)), "health.timeout-ms"),
                Arguments.of(Map.of("router.port", 1, "health", Map.of("paths", 3)), "health.paths"),
                Arguments.of(Map.of("router.port", 1, "app", Map.of("env", "A=1")), "app.env"),
                Arguments.of(Map.of("router.port", 1, "canary.steps", List.of(50, 25)), "canary.steps"),
                Arguments.of(Map.of("router.port", 1, "canary.steps", List.of(0, 100)), "canary.steps"),
                Arguments.of(Map.of("router.port", 1, "rollback.strategy", "later"), "rollback.strategy"),
                Arguments.of(Map.of("router.port", 1, "analysis.insufficient-data-policy", "ignore"),
                        "analysis.insufficient-data-policy"),
                Arguments.of(Map.of("router.port", 1, "analysis.max-latency-ratio", "fast"), "analysis.max-latency-ratio"),
                Arguments.of(Map.of("router.port", 1, "analysis.warmup-ms", -1), "analysis.warmup-ms"),
                Arguments.of(Map.of("router.port", 1, "pipeline.approval-before-promote", "yes"),
                        "pipeline.approval-before-promote"),
                Arguments.of(Map.of("router.port", 1, "infrastructure.instance-count", 0), "infrastructure.instance-count"),
                Arguments.of(Map.of("router.port", 1, "health", Map.of("timeout-ms", 1.5)), "health.timeout-ms"),
                Arguments.of(Map.of("router.port", 1, "rolling", Map.of("max-surge", "two")), "rolling.max-surge"),
                Arguments.of(Map.of("router.port", 1, "canary", Map.of("steps", "5, x")), "canary.steps"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsBadValuesNamingTheKey(Map<String, Object> config, String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunSettings.from(config));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}
