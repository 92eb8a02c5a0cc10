package dev.cutover.provisioner.slot;

/**
 * What runs in one slot. {@code pid}/{@code port}/{@code processStartMs} are set by the local provider
 * ({@code processStartMs} tells a live process from a recycled pid).
 */
public record SlotInstance(String slot, String version, String deploymentId, String url, String instanceId,
                           Long pid, Integer port, Long processStartMs, long startedAtMs) {
}
