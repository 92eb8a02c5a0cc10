package dev.cutover.orchestrator.engine.recovery;

import dev.cutover.events.ConfigEvent.ConfigRejected;
import dev.cutover.events.ConfigEvent.ConfigResolved;
import dev.cutover.events.Event;
import dev.cutover.events.HealthMonitorEvent.AnalysisCompleted;
import dev.cutover.events.HealthMonitorEvent.HealthCheckCompleted;
import dev.cutover.events.HealthMonitorEvent.Verdict;
import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.ProvisionerEvent.ProvisioningFailed;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.RollbackEvent.RollbackFailed;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.model.FailureType;
import dev.cutover.orchestrator.model.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.cutover.orchestrator.model.FailureType.APPLICATION_FAILURE;
import static dev.cutover.orchestrator.model.FailureType.CONFIGURATION_ERROR;
import static dev.cutover.orchestrator.model.FailureType.HEALTH_CHECK_FAILURE;
import static dev.cutover.orchestrator.model.FailureType.INFRASTRUCTURE_FAILURE;
import static dev.cutover.orchestrator.model.FailureType.NETWORK_ISSUE;
import static dev.cutover.orchestrator.model.FailureType.ROLLBACK_FAILURE;
import static dev.cutover.orchestrator.model.FailureType.TIMEOUT;
import static dev.cutover.orchestrator.model.Severity.CRITICAL;
import static dev.cutover.orchestrator.model.Severity.HIGH;
import static dev.cutover.orchestrator.model.Severity.MEDIUM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierTest {

    private static final Target T = new Target("shop", "staging");

    private static Meta meta() {
        return new Meta("m-1", "d-1", "c-1", null, Instant.EPOCH);
    }

    /** As a provisioner older than the cause field reports it: the reason alone. */
    private static ProvisioningFailed failed(String operation, String reason) {
        return new ProvisioningFailed(meta(), T, "green", operation, reason);
    }

    private static ProvisioningFailed failed(String operation, String reason, FailureCause cause) {
        return new ProvisioningFailed(meta(), T, "green", operation, reason, cause);
    }

    private static HealthCheckCompleted health(String phase, boolean passed) {
        return new HealthCheckCompleted(meta(), T, "green", phase, passed, passed ? null : "/health answered 500", 3,
                List.of());
    }

    private static AnalysisCompleted analysis(Verdict v) {
        return new AnalysisCompleted(meta(), T, "green", 0, v, null);
    }

    static Stream<Arguments> events() {
        return Stream.of(
                row("config rejected", new ConfigRejected(meta(), T, "unknown key x"), false,
                        CONFIGURATION_ERROR, HIGH, false, "fix the configuration"),
                row("missing secret at provision", failed("provision", "configuration error: secret db-password "
                        + "not found"), false, CONFIGURATION_ERROR, HIGH, false, "fix the configuration"),
                row("configuration error, any case", failed("provision", "Configuration Error: bad reference"), false,
                        CONFIGURATION_ERROR, HIGH, false, "fix the configuration"),
                row("process exited", failed("provision", "process exited with code 1"), false,
                        INFRASTRUCTURE_FAILURE, MEDIUM, true, "retry once the infrastructure recovers"),
                row("start timeout", failed("provision", "instance did not listen within 30s"), false,
                        INFRASTRUCTURE_FAILURE, MEDIUM, true, "retry"),
                row("provision mentioning a connection is still infrastructure",
                        failed("provision", "connection refused by the agent"), false,
                        INFRASTRUCTURE_FAILURE, MEDIUM, true, "retry"),
                row("shift: connection refused", failed("shift", "router admin: Connection refused"), true,
                        NETWORK_ISSUE, HIGH, true, "reachable"),
                row("release: unreachable", failed("release", "host unreachable"), false, NETWORK_ISSUE, MEDIUM,
                        true, "reachable"),
                row("shift: other", failed("shift", "weights must sum to 100"), true, INFRASTRUCTURE_FAILURE, HIGH,
                        true, "retry"),
                // the provisioner's own word on the cause wins over its reason text
                row("cause configuration, any wording", failed("provision", "no such thing", FailureCause.CONFIGURATION),
                        false, CONFIGURATION_ERROR, HIGH, false, "fix the configuration"),
                row("cause infrastructure despite network words", failed("shift", "connection refused",
                        FailureCause.INFRASTRUCTURE), true, INFRASTRUCTURE_FAILURE, HIGH, true, "retry"),
                row("cause timeout of an apply", failed("apply", "operation still running", FailureCause.TIMEOUT), false,
                        TIMEOUT, MEDIUM, true, "retry"),
                row("cause configuration of a plan", failed("plan", "subscription not found", FailureCause.CONFIGURATION),
                        false, CONFIGURATION_ERROR, HIGH, false, "fix the configuration"),
                row("cause network of a plan", failed("plan", "ARM unreachable", FailureCause.NETWORK), false,
                        NETWORK_ISSUE, MEDIUM, true, "retry"),
                row("cause network on a shift", failed("shift", "weights not confirmed", FailureCause.NETWORK), true,
                        NETWORK_ISSUE, HIGH, true, "reachable"),
                row("cause network while provisioning is infrastructure", failed("provision", "store timed out",
                        FailureCause.NETWORK), false, INFRASTRUCTURE_FAILURE, MEDIUM, true, "retry"),
                row("pre-switch health failed", health("pre-switch", false), false, HEALTH_CHECK_FAILURE, MEDIUM,
                        true, "retry"),
                row("post-switch health failed", health("post-switch", false), true, APPLICATION_FAILURE, HIGH,
                        false, "roll back"),
                row("analysis FAIL", analysis(Verdict.FAIL), true, APPLICATION_FAILURE, HIGH, false, "roll back"),
                row("analysis insufficient data", analysis(Verdict.INSUFFICIENT_DATA), true, APPLICATION_FAILURE,
                        MEDIUM, false, "insufficient-data-policy"),
                row("rollback failed", new RollbackFailed(meta(), T, "router unreachable"), true, ROLLBACK_FAILURE,
                        CRITICAL, false, "manual intervention"));
    }

    private static Arguments row(String name, Event event, boolean trafficMoved, FailureType type, Severity severity,
                                 boolean recoverable, String suggested) {
        return Arguments.of(name, event, trafficMoved, type, severity, recoverable, suggested);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void classifiesFailingEvents(String name, Event event, boolean trafficMoved, FailureType type, Severity severity,
                                 boolean recoverable, String suggested) {
        Classification c = Classifier.of(event, trafficMoved);
        assertEquals(type, c.type());
        assertEquals(severity, c.severity());
        assertEquals(recoverable, c.recoverable());
        assertTrue(c.suggestedAction().contains(suggested), c.suggestedAction());
    }

    static Stream<Arguments> timeouts() {
        return Stream.of(
                Arguments.of("provision", false, MEDIUM, true, "retry"),
                Arguments.of("verify", false, MEDIUM, true, "retry"),
                Arguments.of("config", false, MEDIUM, false, "config-service"),
                Arguments.of("cleanup", false, Severity.LOW, false, "by hand"),
                Arguments.of("switch", true, HIGH, false, "roll back"),
                Arguments.of("monitor", true, HIGH, false, "roll back"),
                Arguments.of("analysis", true, HIGH, false, "roll back"),
                Arguments.of("approval", true, HIGH, false, "roll back"),
                Arguments.of("rollback", true, CRITICAL, false, "manual intervention"));
    }

    @ParameterizedTest(name = "timeout in {0}")
    @MethodSource("timeouts")
    void classifiesTimeouts(String stage, boolean trafficMoved, Severity severity, boolean recoverable,
                            String suggested) {
        Classification c = Classifier.timeout(stage, trafficMoved);
        assertEquals(TIMEOUT, c.type());
        assertEquals(severity, c.severity());
        assertEquals(recoverable, c.recoverable());
        assertTrue(c.suggestedAction().contains(suggested), c.suggestedAction());
    }

    @Test
    void successesAreNotFailures() {
        assertNull(Classifier.of(health("pre-switch", true), false));
        assertNull(Classifier.of(health("post-switch", true), true));
        assertNull(Classifier.of(analysis(Verdict.PASS), true));
        assertNull(Classifier.of(analysis(Verdict.INCONCLUSIVE), true), "kept apart from FAIL: a pause, not a failure");
        assertNull(Classifier.of(new SlotProvisioned(meta(), T, "green", "2.0.0", "http://x", "i"), false));
        assertNull(Classifier.of(new ConfigResolved(meta(), T, "sha256:1", Map.of()), false));
    }
}
