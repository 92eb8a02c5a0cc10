package dev.cutover.orchestrator.api;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.orchestrator.deployment.Deployment;
import dev.cutover.orchestrator.deployment.Stage;
import dev.cutover.orchestrator.deployment.StageStatus;

import java.time.Instant;
import java.util.List;

/** A deployment as the REST API shows it. */
public record DeploymentView(String id, String application, String environment, String version, String artifact,
                             String strategy, DeploymentStatus status, String stage, String reason, String slot,
                             String stableSlot, String stableVersion, String routerUrl, String configHash,
                             Instant createdAt, Instant updatedAt, List<StageView> stages, RollbackView rollback) {

    public record StageView(String name, StageStatus status, Instant startedAt, Instant endedAt, String reason,
                            Instant deadline) {
    }

    public record RollbackView(long trafficRestoredMs, long durationMs) {
    }

    public static DeploymentView of(Deployment d) {
        List<StageView> stages = d.stages().stream().map(DeploymentView::stage).toList();
        RollbackView rollback = d.rollback() == null ? null
                : new RollbackView(d.rollback().trafficRestoredMs(), d.rollback().durationMs());
        return new DeploymentView(d.id(), d.target().application(), d.target().environment(), d.version(),
                d.artifact(), d.strategy(), d.status(), d.stage(), d.reason(), d.slot(), d.stableSlot(),
                d.stableVersion(), d.routerUrl(), d.configHash(), d.createdAt(), d.updatedAt(), stages, rollback);
    }

    private static StageView stage(Stage s) {
        return new StageView(s.name(), s.status(), s.startedAt(), s.endedAt(), s.reason(), s.deadline());
    }
}
