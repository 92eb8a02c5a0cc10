package dev.cutover.healthmonitor.check;

import dev.cutover.events.Command;
import dev.cutover.events.InvalidMessageException;
import dev.cutover.events.Message;
import dev.cutover.events.MessageCodec;
import dev.cutover.healthmonitor.work.WorkJournal;
import dev.cutover.healthmonitor.work.WorkRecord;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The runs in progress for one kind of command, at most one per key, with their work recorded in a
 * {@link WorkJournal} before {@link #submit} returns (so the command is acknowledged only once a restart could
 * resume it). A command id seen before is not run again: while it runs the duplicate is ignored, once it is decided
 * the duplicate is answered with the recorded verdict event again (the last {@code rememberedCommands} are
 * remembered, and {@link #resume} fills the memory from the work log's DONE records after a restart). A new command
 * for a key replaces the run there, whose verdict is then never reported.
 */
public abstract class RunningCommands<C extends Command, R extends ScheduledRun> {

    private static final Logger LOG = Logger.getLogger(RunningCommands.class);

    /** A command id handled here: its target key, and its verdict once decided (null while running / replaced). */
    private record Seen(String targetKey, Message verdict) {
    }

    /** Where the runs schedule their steps. */
    protected final ScheduledExecutorService scheduler;
    private final Map<String, R> running = new HashMap<>();
    private final Map<String, Seen> seen;
    private volatile WorkJournal journal = WorkJournal.NONE;
    /** Wall clock of the absolute start times and deadlines. */
    protected volatile Clock clock = Clock.systemUTC();

    protected RunningCommands(ScheduledExecutorService scheduler, int rememberedCommands) {
        this.scheduler = scheduler;
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
                return size() > rememberedCommands;
            }
        };
    }

    /** Records every command's work in {@code workJournal} from now on (default: nowhere). */
    public void recordWorkIn(WorkJournal workJournal) {
        this.journal = workJournal;
    }

    /** The wall clock of start times and deadlines (tests). */
    public void useClock(Clock wallClock) {
        this.clock = wallClock;
    }

    /** What is wrong with {@code command}, empty when it can run. */
    protected abstract List<String> problems(C command);

    /** Runs with the same key replace each other. */
    protected abstract String key(C command);

    /** The absolute deadline the command's spec gives a run started at {@code startedAt}. */
    protected abstract Instant deadline(C command, Instant startedAt);

    /**
     * A new, not yet started run of {@code command} as {@code work} records it (started at {@code work.startedAt()},
     * for a resumed run earlier than now); it calls {@link #completed} when it has decided.
     */
    protected abstract R newRun(C command, String key, WorkRecord work);

    /** Logs the start of {@code run}, and which run it replaced (null if none was going). */
    protected abstract void starting(C command, R replaced, boolean resumed);

    /** Publishes a verdict (a fresh one, or the recorded one again for a duplicate command). */
    protected abstract void publish(Message verdict);

    /** Whether {@code message} is a command of this kind. */
    protected abstract boolean handles(Command message);

    /**
     * Starts the run unless this command was seen before; returns whether it started. The work record is written
     * before this returns; a duplicate of a decided command publishes its recorded verdict again. Throws
     * {@link InvalidMessageException} for a command that cannot run (it goes to the dead-letter topic), and
     * {@link IllegalStateException} when the work could not be recorded (the command must not be acknowledged).
     */
    public boolean submit(C command) {
        List<String> problems = problems(command);
        if (!problems.isEmpty()) {
            throw new InvalidMessageException("invalid " + MessageCodec.typeName(command) + ": "
                    + String.join("; ", problems));
        }
        String id = command.meta().messageId();
        Message again;
        synchronized (this) {
            Seen before = seen.get(id);
            if (before == null) {
                seen.put(id, new Seen(command.target().key(), null));
                again = null;
            } else if (before.verdict() == null) {
                LOG.debugf("Ignoring redelivered command %s", id);
                return false;
            } else {
                again = before.verdict();
            }
        }
        if (again != null) {
            LOG.infof("Command %s was decided before: answering its recorded verdict %s again", id,
                    again.meta().messageId());
            publish(again);
            return false;
        }
        Instant now = clock.instant();
        WorkRecord work = WorkRecord.running(command, now, deadline(command, now), null);
        try {
            journal.record(command, work);
        } catch (RuntimeException e) {
            synchronized (this) {
                seen.remove(id);
            }
            throw e;
        }
        R replaced = start(command, work, false);
        if (replaced != null) {
            recordQuietly(replaced.command(), WorkRecord.replaced(replaced.command(), clock.instant()));
        }
        return true;
    }

    /**
     * Takes over recorded work (the partition it is on was assigned to this replica): a RUNNING record starts its run
     * again with its original start and deadlines, a DONE record makes a duplicate of its command answer the recorded
     * verdict, a REPLACED record makes its command a duplicate to ignore. Records of other kinds of command are
     * skipped. Returns whether a run was started.
     */
    public boolean resume(WorkRecord work) {
        Command decoded = work.decodedCommand();
        if (!handles(decoded)) {
            return false;
        }
        @SuppressWarnings("unchecked")
        C command = (C) decoded;
        String id = command.meta().messageId();
        synchronized (this) {
            switch (work.state()) {
                case DONE -> {
                    seen.put(id, new Seen(command.target().key(), work.decodedVerdict()));
                    return false;
                }
                case REPLACED -> {
                    seen.put(id, new Seen(command.target().key(), null));
                    return false;
                }
                case RUNNING -> {
                    Seen before = seen.get(id);
                    if (before != null && (before.verdict() != null || running.containsKey(key(command))
                            && running.get(key(command)).command().meta().messageId().equals(id))) {
                        return false; // decided meanwhile, or already running here
                    }
                    seen.put(id, new Seen(command.target().key(), null));
                }
                default -> throw new IllegalStateException("unknown work state " + work.state());
            }
        }
        start(command, work, true);
        return true;
    }

    /**
     * Stops, without a verdict, every run whose target's partition this replica lost (another one resumes it from the
     * work log), and forgets those commands (the work log has them).
     */
    public synchronized int revoke(Predicate<String> revokedTargetKey) {
        List<String> keys = new ArrayList<>();
        running.forEach((key, run) -> {
            if (revokedTargetKey.test(run.command().target().key())) {
                keys.add(key);
            }
        });
        keys.forEach(key -> running.remove(key).cancel());
        seen.values().removeIf(s -> revokedTargetKey.test(s.targetKey()));
        return keys.size();
    }

    private R start(C command, WorkRecord work, boolean resumed) {
        R replaced;
        synchronized (this) {
            String key = key(command);
            R run = newRun(command, key, work);
            replaced = running.put(key, run);
            if (replaced != null && !replaced.finished()) {
                replaced.cancel();
            } else {
                replaced = null;
            }
            starting(command, replaced, resumed);
            run.start();
        }
        return replaced;
    }

    /**
     * A run decided: it is forgotten, its DONE record (with the verdict) is written, then the verdict is published.
     * Recording first means a crash in between leaves a DONE record, so the orchestrator's re-sent command gets the
     * same verdict, never a second run.
     */
    protected void completed(String key, C command, Message verdict) {
        synchronized (this) {
            R current = running.get(key);
            if (current != null && current.command() == command) {
                running.remove(key);
            }
            seen.put(command.meta().messageId(), new Seen(command.target().key(), verdict));
        }
        recordQuietly(command, WorkRecord.done(command, verdict, clock.instant()));
        publish(verdict);
    }

    /** Updates a running command's work record (e.g. an analysis's window opened); a failure is only logged. */
    protected void recordQuietly(Command command, WorkRecord record) {
        try {
            journal.record(command, record);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Could not record the %s work of command %s", record.state(), command.meta().messageId());
        }
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
}
