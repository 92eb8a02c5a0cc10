package dev.cutover.rollback.saga;

import dev.cutover.events.Message;
import dev.cutover.rollback.watch.StableWatch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A watch the test drives by hand: records what the saga asked for; the test decides how each one ends. */
final class ManualStableWatch implements StableWatch {

    record Started(Watch watch, Listener listener) {
    }

    final List<Started> started = new ArrayList<>();
    final Set<String> cancelled = new HashSet<>();

    @Override
    public void start(Watch watch, Listener listener) {
        started.add(new Started(watch, listener));
    }

    @Override
    public void cancel(String watchId) {
        cancelled.add(watchId);
    }

    Started last() {
        return started.get(started.size() - 1);
    }

    List<Message> elapse() {
        return last().listener().elapsed();
    }

    List<Message> unhealthy(String observed) {
        return last().listener().unhealthy(observed);
    }
}
