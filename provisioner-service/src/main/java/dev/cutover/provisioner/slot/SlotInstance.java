package dev.cutover.provisioner.slot;

import java.util.List;

/**
 * What runs in one slot. {@code pid}/{@code port}/{@code processStartMs} are set by the local provider
 * ({@code processStartMs} tells a live process from a recycled pid).
 *
 * <p>{@code members}: every instance the slot runs behind its one router backend (a blue-green or canary slot
 * runs the environment's {@code infrastructure.instance-count}). {@code url}, {@code pid}, {@code port} and
 * {@code processStartMs} are those of the first member, so whoever knows one instance per slot still reads it
 * right. Absent (a registry file written before there were members): the one member those fields describe.
 * {@code instances}: how many members the slot was asked to run (absent: as many as it has). While it starts, the
 * record has fewer members than that; a provisioner that stopped in between knows the slot never came up whole.</p>
 */
public record SlotInstance(String slot, String version, String deploymentId, String url, String instanceId,
                           Long pid, Integer port, Long processStartMs, long startedAtMs, List<Member> members,
                           Integer instances) {

    /** One instance of the slot: where it answers, and for a local process its pid, port and start time. */
    public record Member(String url, Long pid, Integer port, Long processStartMs) {
    }

    public SlotInstance {
        members = members == null || members.isEmpty()
                ? (url == null ? List.of() : List.of(new Member(url, pid, port, processStartMs)))
                : List.copyOf(members);
        instances = instances == null ? members.size() : instances;
    }

    /** A slot of one instance. */
    public SlotInstance(String slot, String version, String deploymentId, String url, String instanceId, Long pid,
                        Integer port, Long processStartMs, long startedAtMs) {
        this(slot, version, deploymentId, url, instanceId, pid, port, processStartMs, startedAtMs, null, null);
    }

    /** A slot of these members; {@code url}, {@code pid}, {@code port}, {@code processStartMs} from the first. */
    public static SlotInstance of(String slot, String version, String deploymentId, String instanceId,
                                  List<Member> members, long startedAtMs) {
        return of(slot, version, deploymentId, instanceId, members, members.size(), startedAtMs);
    }

    /** A slot asked to run {@code instances} members, of which {@code members} exist so far. */
    public static SlotInstance of(String slot, String version, String deploymentId, String instanceId,
                                  List<Member> members, int instances, long startedAtMs) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a slot instance has at least one member");
        }
        Member first = members.get(0);
        return new SlotInstance(slot, version, deploymentId, first.url(), instanceId, first.pid(), first.port(),
                first.processStartMs(), startedAtMs, members, instances);
    }

    /** Every member's URL, the first member's first. */
    public List<String> urls() {
        return members.stream().map(Member::url).toList();
    }
}
