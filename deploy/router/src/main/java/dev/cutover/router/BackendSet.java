package dev.cutover.router;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** An immutable snapshot of the routing table: swapped atomically, never mutated. */
record BackendSet(List<Route> routes, int totalWeight) {

    record Route(Backend backend, int weight) {
    }

    static final BackendSet EMPTY = new BackendSet(List.of(), 0);

    static BackendSet of(List<Route> routes) {
        return new BackendSet(List.copyOf(routes), routes.stream().mapToInt(Route::weight).sum());
    }

    /** Random by weight; null when no backend has weight &gt; 0. */
    Backend pick() {
        if (totalWeight <= 0) {
            return null;
        }
        int r = ThreadLocalRandom.current().nextInt(totalWeight);
        for (Route route : routes) {
            r -= route.weight();
            if (r < 0) {
                return route.backend();
            }
        }
        throw new IllegalStateException("unreachable: weights changed inside an immutable snapshot");
    }
}
