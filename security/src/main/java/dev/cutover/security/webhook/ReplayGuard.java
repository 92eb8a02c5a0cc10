package dev.cutover.security.webhook;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ids of accepted events, each remembered until the end of its tolerance window (after which a replay is refused
 * as stale anyway). Memory is bounded: at most {@code capacity} ids; when full, expired ids are dropped first, and
 * if none has expired the event is refused ({@link RefusalReason#OVERLOADED}) rather than let through unguarded.
 * Thread-safe. Ids are scoped by the caller (e.g. {@code source + '\n' + id}).
 */
public final class ReplayGuard {

    public static final int DEFAULT_CAPACITY = 100_000;

    private final int capacity;
    /** id → expiry, in insertion order (≈ expiry order, since every window has the same length). */
    private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>();

    public ReplayGuard() {
        this(DEFAULT_CAPACITY);
    }

    public ReplayGuard(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /** The outcome of {@link #admit}. */
    public enum Outcome {
        FIRST, REPLAYED, FULL
    }

    /**
     * Records {@code id} until {@code expiry} if it is not remembered yet.
     *
     * @return {@link Outcome#FIRST} (recorded), {@link Outcome#REPLAYED} (already there, unexpired) or
     *         {@link Outcome#FULL} (not recorded: no room)
     */
    public synchronized Outcome admit(String id, Instant expiry, Instant now) {
        Instant known = seen.get(id);
        if (known != null && known.isAfter(now)) {
            return Outcome.REPLAYED;
        }
        if (known == null && seen.size() >= capacity) {
            purge(now);
            if (seen.size() >= capacity) {
                return Outcome.FULL;
            }
        }
        seen.put(id, expiry);
        return Outcome.FIRST;
    }

    /** How many ids are remembered now (expired ones included until the next purge). */
    public synchronized int size() {
        return seen.size();
    }

    private void purge(Instant now) {
        // insertion order is nearly expiry order; a full scan keeps it exact when timestamps disagree
        for (Iterator<Map.Entry<String, Instant>> it = seen.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Instant> e = it.next();
            if (!e.getValue().isAfter(now)) {
                it.remove();
            }
        }
    }
}
