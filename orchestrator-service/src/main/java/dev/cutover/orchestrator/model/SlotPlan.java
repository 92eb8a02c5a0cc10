package dev.cutover.orchestrator.model;

import dev.cutover.orchestrator.strategy.rolling.RollingStrategy;

import java.util.List;
import java.util.Map;

/**
 * Which slot a new deployment uses: the other of blue/green than the one serving the target now (rolling: the
 * other instance generation, see {@link RollingStrategy}). What serves now is read from the target's latest
 * terminal deployment: its own slot(s) if it SUCCEEDED, else the stable slot(s) it fell back to. The stable
 * version's artifact and instance environment come along when both are known (a rolling rollback re-provisions
 * released old instances with them); otherwise both are null.
 */
public record SlotPlan(String slot, String stableSlot, String stableVersion, String stableUrl,
                       List<String> stableSlots, String stableArtifact, Map<String, String> stableEnvironment) {

    public static final String BLUE = "blue";
    public static final String GREEN = "green";

    public SlotPlan {
        stableSlots = stableSlots == null ? (stableSlot == null ? List.of() : List.of(stableSlot))
                : List.copyOf(stableSlots);
    }

    public SlotPlan(String slot, String stableSlot, String stableVersion) {
        this(slot, stableSlot, stableVersion, null, null);
    }

    public SlotPlan(String slot, String stableSlot, String stableVersion, String stableUrl, List<String> stableSlots) {
        this(slot, stableSlot, stableVersion, stableUrl, stableSlots, null, null);
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
        String artifact;
        Map<String, String> environment;
        if (succeeded) {
            boolean configured = latestTerminal.settings() != null;
            artifact = configured ? latestTerminal.artifact() : null;
            environment = configured ? latestTerminal.settings().environment() : null;
        } else {
            artifact = latestTerminal.stableArtifact();
            environment = latestTerminal.stableEnvironment();
        }
        if (artifact == null || environment == null) {
            artifact = null;
            environment = null;
        }
        String active = serving.get(0);
        return new SlotPlan(BLUE.equals(active) ? GREEN : BLUE, active, activeVersion, activeUrl, serving, artifact,
                environment);
    }
}
