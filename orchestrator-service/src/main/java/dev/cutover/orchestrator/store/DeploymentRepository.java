package dev.cutover.orchestrator.store;

import dev.cutover.events.DeploymentStatus;
import dev.cutover.events.Target;
import dev.cutover.orchestrator.model.Deployment;
import dev.cutover.orchestrator.store.SnapshotSummary.Position;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The in-memory index of every deployment, this replica's and the others'. Only a cache of the snapshot topic: it is
 * filled by the topic's tail and by this replica's own acknowledged writes. Each snapshot carries the offset it was
 * written at, and an older offset never replaces a newer one, so the tail catching up behind an own write does not
 * step a deployment back.
 * <p>
 * What it holds: every deployment's {@link SnapshotSummary} (target, status, creation time, position on the topic);
 * the full snapshot of every deployment that can still change (not terminal); and the last
 * {@code finishedCacheSize} finished ones that were read. A finished deployment not in that cache is read back from
 * the topic by its position ({@link SnapshotReader}). So memory and the first read after a restart grow with the
 * deployments under way, not with the history. Without a reader (tests, tools) every finished snapshot stays here.
 */
public final class DeploymentRepository {

    /** Reads snapshots back from the state topic by position. */
    public interface SnapshotReader {

        /**
         * The snapshots at these positions; a position whose record is gone (compacted behind a newer snapshot this
         * index has not seen yet) is left out.
         *
         * @throws StateUnavailableException when the topic cannot be read
         */
        Map<Position, Deployment> read(Collection<Position> positions);
    }

    private static final Comparator<SnapshotSummary> NEWEST_FIRST = Comparator.comparing(SnapshotSummary::createdAt)
            .thenComparing(SnapshotSummary::id).reversed();
    private static final Comparator<SnapshotSummary> OLDEST_FIRST = Comparator.comparing(SnapshotSummary::createdAt)
            .thenComparing(SnapshotSummary::id);

    private final Map<String, SnapshotSummary> index = new ConcurrentHashMap<>();
    private final Map<Target, Set<String>> byTarget = new ConcurrentHashMap<>();
    /** Every deployment that is not terminal, in full. */
    private final Map<String, Deployment> unfinished = new ConcurrentHashMap<>();
    /** Finished deployments in full: the most recently used ones when there is a reader, else all. */
    private final Map<String, Deployment> finished;
    private final SnapshotReader reader;

    /** Every snapshot held in memory (tests, tools). */
    public DeploymentRepository() {
        this(null, 0);
    }

    /**
     * @param reader            reads finished snapshots back from the topic
     * @param finishedCacheSize how many finished deployments are kept in full
     */
    public DeploymentRepository(SnapshotReader reader, int finishedCacheSize) {
        this.reader = reader;
        this.finished = reader == null ? new ConcurrentHashMap<>()
                : Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Deployment> eldest) {
                        return size() > finishedCacheSize;
                    }
                });
    }

    /**
     * The snapshot written at {@code offset} of the deployment's state partition (a deployment id always maps to
     * the same one); ignored when a later one is already here.
     *
     * @return whether it was applied
     */
    public boolean apply(Deployment d, long offset) {
        return apply(d, new Position(0, offset));
    }

    /** As {@link #apply(Deployment, long)}, with the partition it can be read back from. */
    public synchronized boolean apply(Deployment d, Position position) {
        if (!newer(d.id(), position)) {
            return false;
        }
        store(d, position);
        return true;
    }

    /**
     * A finished deployment known by its summary only (from a record's headers): indexed, not decoded; its snapshot
     * is read back from the topic when asked for. Ignored when a later snapshot is already here.
     */
    public synchronized boolean applyFinished(SnapshotSummary summary) {
        if (!summary.terminal() || summary.position() == null) {
            throw new IllegalArgumentException("only a finished deployment's summary with its position is indexed");
        }
        if (reader == null || !newer(summary.id(), summary.position())) {
            return false;
        }
        index(summary);
        unfinished.remove(summary.id());
        finished.remove(summary.id());
        return true;
    }

    /** What {@link #applyRecord} did with a record. */
    public enum Applied { DECODED, INDEXED, REMOVED, IGNORED }

    /**
     * A record of the state topic: a finished deployment's is only indexed (from its headers), any other snapshot is
     * decoded, a tombstone removes. Records without headers (written before they existed) are decoded.
     *
     * @throws RuntimeException when the snapshot cannot be decoded (nothing changed)
     */
    public Applied applyRecord(ConsumerRecord<String, byte[]> r) {
        Position position = new Position(r.partition(), r.offset());
        if (r.value() == null) {
            if (r.key() == null) {
                return Applied.IGNORED;
            }
            remove(r.key(), position);
            return Applied.REMOVED;
        }
        SnapshotSummary summary = SnapshotSummary.read(r.key(), r.headers(), position);
        if (summary != null && summary.terminal() && reader != null) {
            applyFinished(summary);
            return Applied.INDEXED;
        }
        apply(SnapshotCodec.decode(r.value()), position);
        return Applied.DECODED;
    }

    /** A tombstone at {@code offset}: the deployment is gone (unless a later snapshot is already here). */
    public void remove(String id, long offset) {
        remove(id, new Position(0, offset));
    }

    public synchronized void remove(String id, Position position) {
        if (!newer(id, position)) {
            return;
        }
        SnapshotSummary gone = index.remove(id);
        if (gone != null) {
            Set<String> ids = byTarget.get(gone.target());
            if (ids != null) {
                ids.remove(id);
            }
        }
        unfinished.remove(id);
        finished.remove(id);
        // remember the tombstone's offset, so an older snapshot read after it does not bring the deployment back
        tombstones.put(id, position.offset());
    }

    private final Map<String, Long> tombstones = new ConcurrentHashMap<>();

    private boolean newer(String id, Position position) {
        SnapshotSummary known = index.get(id);
        Long knownOffset = known != null && known.position() != null ? Long.valueOf(known.position().offset())
                : tombstones.get(id);
        return knownOffset == null || position.offset() > knownOffset;
    }

    private void store(Deployment d, Position position) {
        index(SnapshotSummary.of(d, position));
        tombstones.remove(d.id());
        if (d.terminal()) {
            unfinished.remove(d.id());
            finished.put(d.id(), d);
        } else {
            finished.remove(d.id());
            unfinished.put(d.id(), d);
        }
    }

    private void index(SnapshotSummary summary) {
        SnapshotSummary before = index.put(summary.id(), summary);
        if (before != null && !before.target().equals(summary.target())) {
            byTarget.getOrDefault(before.target(), Set.of()).remove(summary.id());
        }
        byTarget.computeIfAbsent(summary.target(), t -> ConcurrentHashMap.newKeySet()).add(summary.id());
    }

    public Optional<Deployment> find(String id) {
        Deployment d = unfinished.get(id);
        if (d != null) {
            return Optional.of(d);
        }
        SnapshotSummary summary = index.get(id);
        if (summary == null) {
            return Optional.empty();
        }
        return resolve(List.of(summary)).stream().findFirst();
    }

    /** Every deployment that is not terminal (QUEUED and PENDING included). */
    public Collection<Deployment> unfinished() {
        return unfinished.values();
    }

    /** Every deployment's summary. */
    public Collection<SnapshotSummary> summaries() {
        return index.values();
    }

    /** How many deployments it knows, finished or not. */
    public int size() {
        return index.size();
    }

    /** The running (non-terminal, not queued) deployment of the target, if any (there is at most one). */
    public Optional<Deployment> active(Target target) {
        return unfinishedOf(target).filter(d -> d.status() != DeploymentStatus.QUEUED).findFirst();
    }

    /** The target's QUEUED deployments, oldest first (the order they start in). */
    public List<Deployment> queued(Target target) {
        return unfinishedOf(target).filter(d -> d.status() == DeploymentStatus.QUEUED)
                .sorted(Comparator.comparing(Deployment::createdAt).thenComparing(Deployment::id)).toList();
    }

    private java.util.stream.Stream<Deployment> unfinishedOf(Target target) {
        return idsOf(target).stream().map(unfinished::get).filter(d -> d != null && d.target().equals(target));
    }

    private Set<String> idsOf(Target target) {
        return byTarget.getOrDefault(target, Set.of());
    }

    /** The most recent finished deployment of the target: it says which slot serves now. */
    public Optional<Deployment> latestTerminal(Target target) {
        return summariesOf(target).filter(SnapshotSummary::terminal).min(NEWEST_FIRST)
                .flatMap(s -> resolve(List.of(s)).stream().findFirst());
    }

    /**
     * The target kind of the target's latest deployment whose configuration (not its own overrides) resolved one:
     * what a new request on the target must run on.
     */
    public Optional<String> configuredTargetKind(Target target) {
        return summariesOf(target).filter(s -> s.targetKind() != null).max(OLDEST_FIRST)
                .map(SnapshotSummary::targetKind);
    }

    private java.util.stream.Stream<SnapshotSummary> summariesOf(Target target) {
        return idsOf(target).stream().map(index::get).filter(s -> s != null && s.target().equals(target));
    }

    /** The deployments of an application and/or environment (null or blank: any), newest first. */
    public List<Deployment> list(String application, String environment) {
        Predicate<Target> wanted = t -> (application == null || application.isBlank()
                || t.application().equals(application))
                && (environment == null || environment.isBlank() || t.environment().equals(environment));
        List<SnapshotSummary> matching = new ArrayList<>();
        byTarget.forEach((target, ids) -> {
            if (wanted.test(target)) {
                ids.forEach(id -> {
                    SnapshotSummary s = index.get(id);
                    if (s != null && wanted.test(s.target())) {
                        matching.add(s);
                    }
                });
            }
        });
        matching.sort(NEWEST_FIRST);
        return resolve(matching);
    }

    public long activeCount() {
        return unfinished.size();
    }

    /**
     * The full deployments of these summaries, in their order: from memory, else read back from the topic (and kept
     * in the cache). One whose record moved on the topic meanwhile is looked up once more at its new position.
     */
    private List<Deployment> resolve(List<SnapshotSummary> summaries) {
        Map<String, Deployment> found = new java.util.HashMap<>();
        List<SnapshotSummary> toRead = new ArrayList<>();
        for (SnapshotSummary s : summaries) {
            Deployment d = unfinished.get(s.id());
            if (d == null) {
                d = finished.get(s.id());
            }
            if (d != null) {
                found.put(s.id(), d);
            } else if (reader != null && s.position() != null) {
                toRead.add(s);
            }
        }
        for (int attempt = 0; attempt < 2 && !toRead.isEmpty(); attempt++) {
            Map<Position, Deployment> read = reader.read(toRead.stream().map(SnapshotSummary::position).toList());
            List<SnapshotSummary> again = new ArrayList<>();
            for (SnapshotSummary s : toRead) {
                Deployment d = read.get(s.position());
                if (d != null && d.id().equals(s.id())) {
                    found.put(s.id(), d);
                    cache(d, s.position());
                    continue;
                }
                SnapshotSummary now = index.get(s.id());
                if (now != null && now.position() != null && !now.position().equals(s.position())) {
                    again.add(now);
                }
            }
            toRead = again;
        }
        List<Deployment> ordered = new ArrayList<>(summaries.size());
        for (SnapshotSummary s : summaries) {
            Deployment d = found.get(s.id());
            if (d != null) {
                ordered.add(d);
            }
        }
        return ordered;
    }

    /** Keeps a finished deployment read back, unless a later snapshot arrived meanwhile. */
    private synchronized void cache(Deployment d, Position position) {
        SnapshotSummary now = index.get(d.id());
        if (d.terminal() && now != null && position.equals(now.position())) {
            finished.put(d.id(), d);
        }
    }
}
