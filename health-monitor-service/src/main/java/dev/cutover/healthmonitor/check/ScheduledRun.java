package dev.cutover.healthmonitor.check;

import dev.cutover.events.Command;

import java.util.concurrent.ScheduledFuture;

/**
 * A check or an analysis in progress: it schedules its own next step on a shared scheduler until it has decided
 * or is cancelled. Subclasses read and write {@link #finished} and {@link #next} only while holding {@code this}.
 */
public abstract class ScheduledRun {

    /** Decided or cancelled: nothing more is scheduled or reported. */
    protected boolean finished;
    /** The next scheduled step, if any. */
    protected ScheduledFuture<?> next;

    /** The command this run answers. */
    public abstract Command command();

    /** Begins the run: its first step is scheduled at once. */
    public abstract void start();

    /** Stops the run; its verdict is never reported. */
    public synchronized void cancel() {
        finished = true;
        if (next != null) {
            next.cancel(false);
        }
    }

    public synchronized boolean finished() {
        return finished;
    }
}
