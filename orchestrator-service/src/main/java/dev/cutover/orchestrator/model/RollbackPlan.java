package dev.cutover.orchestrator.model;

import dev.cutover.events.DeploymentStatus;

import java.util.List;

/**
 * The StartRollback being executed, kept whole so a restart re-issues exactly the same command, and the status
 * the deployment ends in once it completed (ROLLED_BACK, or SUPERSEDED).
 */
public record RollbackPlan(String strategy, List<Integer> steps, Long stepIntervalMs, String stableHealthUrl,
                           String reason, DeploymentStatus endAs) {
}
