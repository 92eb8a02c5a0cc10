package dev.cutover.azure.standin;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/** Faults armed for coming calls; the first armed fault matching a call is used (and counted down). */
public final class Faults {

    private static final class Armed {
        final String method;
        final Pattern path;
        final Fault fault;
        int left;

        Armed(String method, Pattern path, Fault fault) {
            this.method = method;
            this.path = path;
            this.fault = fault;
            this.left = fault.times();
        }
    }

    private final List<Armed> armed = new ArrayList<>();

    /**
     * The next {@code fault.times()} calls with {@code method} (any, when null) whose path (without query) matches
     * {@code pathRegex} (case-insensitive, anywhere in the path) get {@code fault}.
     */
    public synchronized Faults next(String method, String pathRegex, Fault fault) {
        armed.add(new Armed(method, Pattern.compile(pathRegex, Pattern.CASE_INSENSITIVE), fault));
        return this;
    }

    /** Removes every armed fault. */
    public synchronized void clear() {
        armed.clear();
    }

    /** How many armed faults still have calls left. */
    public synchronized int pending() {
        return (int) armed.stream().filter(a -> a.left > 0).count();
    }

    synchronized Fault take(String method, String path) {
        for (Iterator<Armed> it = armed.iterator(); it.hasNext();) {
            Armed a = it.next();
            if ((a.method == null || a.method.equalsIgnoreCase(method)) && a.path.matcher(path).find()) {
                if (a.left != Integer.MAX_VALUE) {
                    a.left--;
                }
                if (a.left <= 0) {
                    it.remove();
                }
                return a.fault;
            }
        }
        return null;
    }
}
