package dev.cutover.provisioner.traffic;

/** One entry of a router's backend set: the slot (as id), where it listens, its weight and version. */
public record Backend(String id, String url, int weight, String version) {
}
