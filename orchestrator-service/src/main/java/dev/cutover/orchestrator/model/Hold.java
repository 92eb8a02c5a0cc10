package dev.cutover.orchestrator.model;

import dev.cutover.events.DeploymentStatus;

/**
 * Why a deployment is PAUSED or AWAITING_APPROVAL, and where it continues: {@code resumeStatus} in stage
 * {@code resumeStage} (the command of that stage is issued again).
 *
 * @param cleanup the cleanup plan to continue with when resuming into CLEANING_UP
 */
public record Hold(HoldKind kind, DeploymentStatus resumeStatus, String resumeStage, String reason,
                   CleanupPlan cleanup) {

    public boolean is(HoldKind k) {
        return kind == k;
    }
}
