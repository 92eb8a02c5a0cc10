package dev.cutover.orchestrator.store;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.model.Deployment;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory index of every deployment, this replica's and the others'. Only a cache of the snapshot topic: it is
 * filled by the topic's tail and by this replica's own acknowledged writes. Each snapshot carries the offset it was
 * written at, and an older offset never replaces a newer one, so the tail catching up behind an own write does not
 * step a deployment back.
 */
public final class DeploymentRepository {

    private static final Comparator<Deployment> NEWEST_FIRST =
            Comparator.comparing(Deployment::createdAt).thenComparing(Deployment::id).reversed();

    private final Map<String, Deployment> byId = new ConcurrentHashMap<>();
    private final Map<String, Long> offsets = new ConcurrentHashMap<>();

    /** Without an offset (tests, tools): replaces whatever is there. */
    public void put(Deployment d) {
        byId.put(d.id(), d);
    }

    /**
     * The snapshot written at {@code offset} of the deployment's state partition (a deployment id always maps to
     * the same one); ignored when a later one is already here.
     *
     * @return whether it was applied
     */
    public synchronized boolean apply(Deployment d, long offset) {
        Long known = offsets.get(d.id());
        if (known != null && known >= offset) {
            return false;
        }
        offsets.put(d.id(), offset);
        byId.put(d.id(), d);
        return true;
    }

    /** A tombstone at {@code offset}: the deployment is gone (unless a later snapshot is already here). */
    public synchronized void remove(String id, long offset) {
        Long known = offsets.get(id);
        if (known != null && known >= offset) {
            return;
        }
        offsets.put(id, offset);
        byId.remove(id);
    }

    public Optional<Deployment> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<Deployment> all() {
        return byId.values();
    }

    /** The running (non-terminal, not queued) deployment of the target, if any (there is at most one). */
    public Optional<Deployment> active(Target target) {
        return byId.values().stream().filter(d -> !d.terminal() && d.status() != DeploymentStatus.QUEUED
                && d.target().equals(target)).findFirst();
    }

    /** The target's QUEUED deployments, oldest first (the order they start in). */
    public List<Deployment> queued(Target target) {
        return byId.values().stream().filter(d -> d.status() == DeploymentStatus.QUEUED && d.target().equals(target))
                .sorted(Comparator.comparing(Deployment::createdAt).thenComparing(Deployment::id)).toList();
    }

    /** The most recent finished deployment of the target: it says which slot serves now. */
    public Optional<Deployment> latestTerminal(Target target) {
        return byId.values().stream().filter(d -> d.terminal() && d.target().equals(target))
                .min(NEWEST_FIRST);
    }

    public List<Deployment> list(String application, String environment) {
        return byId.values().stream()
                .filter(d -> application == null || application.isBlank() || d.target().application().equals(application))
                .filter(d -> environment == null || environment.isBlank() || d.target().environment().equals(environment))
                .sorted(NEWEST_FIRST).toList();
    }

    public long activeCount() {
        return byId.values().stream().filter(d -> !d.terminal()).count();
    }
}
