package dev.cutover.orchestrator.deployment;

import dev.cutover.events.DeploymentStatus;

/**
 * Why a deployment is PAUSED or AWAITING_APPROVAL, and where it continues: {@code resumeStatus} in stage
 * {@code resumeStage} (the command of that stage is issued again).
 *
 * @param kind    operator, analysis, manual-rollback or approval
 * @param cleanup the cleanup plan to continue with when resuming into CLEANING_UP
 */
public record Hold(String kind, DeploymentStatus resumeStatus, String resumeStage, String reason,
                   CleanupPlan cleanup) {

    public static final String OPERATOR = "operator";
    public static final String ANALYSIS = "analysis";
    public static final String MANUAL_ROLLBACK = "manual-rollback";
    public static final String APPROVAL = "approval";
}
