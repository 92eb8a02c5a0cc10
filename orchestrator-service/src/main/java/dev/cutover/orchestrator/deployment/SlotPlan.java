package dev.cutover.orchestrator.deployment;

import java.util.List;

/**
 * Which slot a new deployment uses: the other of blue/green than the one serving the target now (rolling: the
 * other instance generation, see {@link RollingStrategy}). What serves now is read from the target's latest
 * terminal deployment: its own slot(s) if it SUCCEEDED, else the stable slot(s) it fell back to.
 */
public record SlotPlan(String slot, String stableSlot, String stableVersion, String stableUrl,
                       List<String> stableSlots) {

    public static final String BLUE = "blue";
    public static final String GREEN = "green";

    public SlotPlan {
        stableSlots = stableSlots == null ? (stableSlot == null ? List.of() : List.of(stableSlot))
                : List.copyOf(stableSlots);
    }

    public SlotPlan(String slot, String stableSlot, String stableVersion) {
        this(slot, stableSlot, stableVersion, null, null);
    }

    public static SlotPlan after(Deployment latestTerminal) {
        if (latestTerminal == null) {
            return new SlotPlan(BLUE, null, null);
        }
        boolean succeeded = latestTerminal.status() == dev.cutover.events.DeploymentStatus.SUCCEEDED;
        List<String> serving = latestTerminal.servingSlots();
        String activeVersion = succeeded ? latestTerminal.version() : latestTerminal.stableVersion();
        String activeUrl = succeeded ? (latestTerminal.rolling() == null ? latestTerminal.instanceUrl() : null)
                : latestTerminal.stableUrl();
        if (serving.isEmpty()) {
            return new SlotPlan(BLUE, null, null);
        }
        String active = serving.get(0);
        return new SlotPlan(BLUE.equals(active) ? GREEN : BLUE, active, activeVersion, activeUrl, serving);
    }
}
