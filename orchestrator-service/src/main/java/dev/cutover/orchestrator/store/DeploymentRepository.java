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
 * The in-memory index of every deployment. Only a cache of the snapshot topic: it is filled from there on
 * start and updated only after a snapshot was acknowledged.
 */
public final class DeploymentRepository {

    private static final Comparator<Deployment> NEWEST_FIRST =
            Comparator.comparing(Deployment::createdAt).thenComparing(Deployment::id).reversed();

    private final Map<String, Deployment> byId = new ConcurrentHashMap<>();

    public void put(Deployment d) {
        byId.put(d.id(), d);
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
