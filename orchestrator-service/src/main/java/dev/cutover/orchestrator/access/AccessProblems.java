package dev.cutover.orchestrator.access;

/** The problem types of refused calls (RFC 9457 {@code type} URIs, as the API's other problems). */
public final class AccessProblems {

    public static final String UNAUTHENTICATED = "https://cutover.dev/problems/unauthenticated";
    public static final String FORBIDDEN = "https://cutover.dev/problems/forbidden";
    public static final String FOUR_EYES = "https://cutover.dev/problems/four-eyes";

    private AccessProblems() {
    }
}
