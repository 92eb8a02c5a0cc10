package dev.cutover.rollback.watch;

import dev.cutover.events.Message;

import java.time.Duration;
import java.util.List;

/**
 * Waits out a gradual rollback's step interval off the Kafka consumer thread, probing the stable slot
 * meanwhile. Exactly one of the listener's methods is called per watch (none once cancelled), and what it
 * returns is published.
 */
public interface StableWatch {

    /** @param healthUrl the stable slot's health endpoint; null: just wait */
    record Watch(String id, String deploymentId, String target, Duration interval, String healthUrl) {
    }

    interface Listener {
        /** The interval passed without the stable slot turning unhealthy. */
        List<Message> elapsed();

        /** The stable slot failed enough probes in a row; {@code observed} says what the last probe saw. */
        List<Message> unhealthy(String observed);
    }

    /** Must not block and must not call the listener on the calling thread. */
    void start(Watch watch, Listener listener);

    void cancel(String watchId);
}
