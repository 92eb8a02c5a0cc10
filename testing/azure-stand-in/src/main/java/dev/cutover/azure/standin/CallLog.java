package dev.cutover.azure.standin;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Every call the stand-in answered, in order; tests read ARM call sequences from it. */
public final class CallLog {

    private final List<Call> calls = new ArrayList<>();

    synchronized void add(Call call) {
        calls.add(call);
    }

    /** All calls so far, in arrival order. */
    public synchronized List<Call> all() {
        return List.copyOf(calls);
    }

    /** The calls so far that match. */
    public synchronized List<Call> filter(Predicate<Call> predicate) {
        return calls.stream().filter(predicate).toList();
    }

    /** Calls with this method (any, when null) whose path matches {@code pathRegex} (case-insensitive, find). */
    public List<Call> matching(String method, String pathRegex) {
        Pattern pattern = Pattern.compile(pathRegex, Pattern.CASE_INSENSITIVE);
        return filter(c -> (method == null || c.method().equalsIgnoreCase(method)) && pattern.matcher(c.path()).find());
    }

    /** The calls other than operation polls, as {@code "METHOD path"} lines: the ARM call sequence. */
    public List<String> sequence() {
        return filter(c -> !c.isPoll()).stream().map(Call::line).toList();
    }

    /** Calls changing something (PUT, PATCH, POST, DELETE), without polls, as lines. */
    public List<String> changes() {
        return filter(c -> !c.isPoll() && !c.method().equals("GET") && !c.method().equals("HEAD")).stream()
                .map(Call::line).toList();
    }

    /** How many calls were answered so far (a mark to read only later ones with {@link #since}). */
    public synchronized int size() {
        return calls.size();
    }

    /** The calls after a mark taken with {@link #size()}. */
    public synchronized List<Call> since(int mark) {
        return List.copyOf(calls.subList(Math.min(mark, calls.size()), calls.size()));
    }

    public synchronized void clear() {
        calls.clear();
    }
}
