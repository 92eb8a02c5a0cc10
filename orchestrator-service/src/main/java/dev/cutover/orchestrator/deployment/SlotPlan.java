package dev.cutover.orchestrator.deployment;

import dev.cutover.events.DeploymentStatus;

/**
 * Which slot a new deployment uses: the other of blue/green than the one serving the target now.
 * What serves now is read from the target's latest terminal deployment: its own slot if it SUCCEEDED,
 * else the stable slot it fell back to.
 */
public record SlotPlan(String slot, String stableSlot, String stableVersion) {

    public static final String BLUE = "blue";
    public static final String GREEN = "green";

    public static SlotPlan after(Deployment latestTerminal) {
        if (latestTerminal == null) {
            return new SlotPlan(BLUE, null, null);
        }
        boolean succeeded = latestTerminal.status() == DeploymentStatus.SUCCEEDED;
        String active = succeeded ? latestTerminal.slot() : latestTerminal.stableSlot();
        String activeVersion = succeeded ? latestTerminal.version() : latestTerminal.stableVersion();
        if (active == null) {
            return new SlotPlan(BLUE, null, null);
        }
        return new SlotPlan(BLUE.equals(active) ? GREEN : BLUE, active, activeVersion);
    }
}
