package dev.cutover.orchestrator.deployment;

import dev.cutover.events.DeploymentStatus;

/** While CLEANING_UP: which slot is being released and where the deployment ends once it is. */
public record CleanupPlan(String slot, DeploymentStatus outcome, String reason) {
}
