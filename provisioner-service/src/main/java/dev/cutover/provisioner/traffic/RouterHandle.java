package dev.cutover.provisioner.traffic;

/** A target's router: where traffic enters ({@code url}), and for the local router its port and pid. */
public record RouterHandle(String url, int port, Long pid) {
}
