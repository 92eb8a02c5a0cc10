package dev.cutover.orchestrator.metrics;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.model.FailureAction;
import dev.cutover.orchestrator.model.FailureType;
import dev.cutover.orchestrator.store.DeploymentStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Locale;

/** Deployment outcomes and durations. Labels are bounded: outcome, stage, rejection kind, failure type and action. */
@Startup
@ApplicationScoped
public class DeploymentMetrics {

    @Inject
    MeterRegistry registry;

    @Inject
    DeploymentStore store;

    @PostConstruct
    void register() {
        Gauge.builder("cutover.deployments.active", store, s -> s.loaded() ? s.activeCount() : 0)
                .description("Deployments not yet in a terminal status")
                .register(registry);
        // at 0 from the start: Prometheus's increase() cannot see a series' first value, so an outcome counter
        // born at 1 would hide the first rollback from every alert
        for (DeploymentStatus status : DeploymentStatus.values()) {
            if (status.terminal()) {
                registry.counter("cutover.deployments", "outcome", status.name().toLowerCase(Locale.ROOT));
            }
        }
    }

    /** A deployment reached SUCCEEDED, FAILED or ROLLED_BACK. */
    public void finished(Deployment d) {
        String outcome = d.status().name().toLowerCase(Locale.ROOT);
        registry.counter("cutover.deployments", "outcome", outcome).increment();
        Timer.builder("cutover.deployment.duration")
                .description("From request to terminal status")
                .tag("outcome", outcome)
                .publishPercentileHistogram(false)
                .register(registry)
                .record(Duration.between(d.createdAt(), d.updatedAt()));
    }

    /** Both labels are bounded kinds. */
    public void failure(FailureType type, FailureAction action) {
        registry.counter("cutover.failures", "type", type.name(), "action", action.wire()).increment();
    }

    public void stageTimedOut(String stage) {
        registry.counter("cutover.stage.timeouts", "stage", stage).increment();
    }

    /** A stage's command sent again while its reply was overdue; {@code type}: the command's wire type name. */
    public void commandResent(String type) {
        registry.counter("cutover.orchestrator.commands.resent", "type", type).increment();
    }

    /** action: promote, pause, resume, abort, approve, rollback (accepted ones). */
    public void operatorAction(String action) {
        registry.counter("cutover.operator.actions", "action", action).increment();
    }

    /** kind: invalid or conflict. */
    public void rejected(String kind) {
        registry.counter("cutover.deployment.requests.rejected", "kind", kind).increment();
    }
}
