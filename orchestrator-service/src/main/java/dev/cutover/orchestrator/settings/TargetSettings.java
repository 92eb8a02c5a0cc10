package dev.cutover.orchestrator.settings;

import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.Policy;

/**
 * Where a deployment's target runs and what may stop its infrastructure: the {@link Placement} every provisioner
 * command carries ({@code target.*}, {@code infrastructure.*}, {@code network.*}, {@code diagnostics.*}), the
 * {@link Policy} its plan is checked against ({@code hardening.blocking}, {@code budget.monthly-limit}), and whether
 * a plan with changes waits for an operator ({@code pipeline.approval-before-provision}).
 */
public record TargetSettings(Placement placement, Policy policy, boolean approvalBeforeProvision) {

    /** Local processes, nothing blocking, no gate: what a deployment recorded before targets were typed ran on. */
    public static TargetSettings local(int instanceCount) {
        return new TargetSettings(Placement.local(instanceCount), new Policy(java.util.List.of(), null), false);
    }
}
