package dev.cutover.orchestrator.model;

import dev.cutover.events.DeploymentStatus;

/** While CLEANING_UP: which slot is being released and where the deployment ends once it is. */
public record CleanupPlan(String slot, DeploymentStatus outcome, String reason) {

    /** The cleanup of a successful deployment (releasing what the new version replaced). */
    public boolean succeeds() {
        return outcome == DeploymentStatus.SUCCEEDED;
    }
}
