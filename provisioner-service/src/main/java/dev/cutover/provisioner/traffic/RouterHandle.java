package dev.cutover.provisioner.traffic;

/**
 * A target's router: where traffic enters ({@code url}), where its admin API answers ({@code adminUrl}: the
 * base of {@link dev.cutover.events.router.RouterAdminApi}'s paths, reported in SlotProvisioned and
 * TrafficShifted as {@code routerAdminUrl}), and for the local router its traffic port and pid.
 */
public record RouterHandle(String url, String adminUrl, int port, Long pid) {
}
