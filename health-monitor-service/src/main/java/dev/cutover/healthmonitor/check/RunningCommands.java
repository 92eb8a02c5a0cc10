package dev.cutover.healthmonitor.check;

import dev.cutover.events.Command;
import dev.cutover.events.InvalidMessageException;
import dev.cutover.events.MessageCodec;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runs in progress for one kind of command, at most one per key. A command id seen before (running or done;
 * the last {@code rememberedCommands} are remembered) is ignored; a new command for a key replaces the run there,
 * whose verdict is then never reported.
 */
public abstract class RunningCommands<C extends Command, R extends ScheduledRun> {

    private static final Logger LOG = Logger.getLogger(RunningCommands.class);

    /** Where the runs schedule their steps. */
    protected final ScheduledExecutorService scheduler;
    private final Map<String, R> running = new HashMap<>();
    private final Map<String, Boolean> seen;

    protected RunningCommands(ScheduledExecutorService scheduler, int rememberedCommands) {
        this.scheduler = scheduler;
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > rememberedCommands;
            }
        };
    }

    /** What is wrong with {@code command}, empty when it can run. */
    protected abstract List<String> problems(C command);

    /** Runs with the same key replace each other. */
    protected abstract String key(C command);

    /** A new, not yet started run of {@code command}; it calls {@link #finished} when it has decided. */
    protected abstract R newRun(C command, String key);

    /** Logs the start of {@code run}, and which run it replaced (null if none was going). */
    protected abstract void starting(C command, R replaced);

    /**
     * Starts the run unless this command was seen before; returns whether it started. Throws
     * {@link InvalidMessageException} for a command that cannot run (it goes to the dead-letter topic).
     */
    public synchronized boolean submit(C command) {
        List<String> problems = problems(command);
        if (!problems.isEmpty()) {
            throw new InvalidMessageException("invalid " + MessageCodec.typeName(command) + ": "
                    + String.join("; ", problems));
        }
        if (seen.put(command.meta().messageId(), Boolean.TRUE) != null) {
            LOG.debugf("Ignoring redelivered command %s", command.meta().messageId());
            return false;
        }
        String key = key(command);
        R run = newRun(command, key);
        R previous = running.put(key, run);
        if (previous != null && !previous.finished()) {
            previous.cancel();
        } else {
            previous = null;
        }
        starting(command, previous);
        run.start();
        return true;
    }

    public synchronized int runningCount() {
        return running.size();
    }

    /** Stops every run without reporting (shutdown). */
    public synchronized void cancelAll() {
        running.values().forEach(ScheduledRun::cancel);
        running.clear();
    }

    /** Stops every run without reporting, and the scheduler (the service is stopping). */
    public void shutdown() {
        cancelAll();
        scheduler.shutdownNow();
    }

    /** A scheduler of {@code threads} daemon threads named {@code namePrefix-1}, {@code namePrefix-2}… */
    public static ScheduledExecutorService daemonScheduler(String namePrefix, int threads) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newScheduledThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, namePrefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Forgets the run of {@code command} under {@code key}, unless a newer one replaced it meanwhile. */
    protected synchronized void finished(String key, C command) {
        R current = running.get(key);
        if (current != null && current.command() == command) {
            running.remove(key);
        }
    }
}
