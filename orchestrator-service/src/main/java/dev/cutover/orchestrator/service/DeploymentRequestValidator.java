package dev.cutover.orchestrator.service;

import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.PlainText;
import dev.cutover.orchestrator.model.Violation;
import dev.cutover.orchestrator.strategy.Strategies;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The rules every deployment request obeys, whichever way it came in. */
public final class DeploymentRequestValidator {

    public static final String BLUE_GREEN = "blue-green";
    /** Strategies the state machine implements. */
    public static final List<String> KNOWN_STRATEGIES = Strategies.NAMES;
    public static final List<String> CONFLICT_POLICIES = List.of(DeploymentRequest.REJECT, DeploymentRequest.QUEUE,
            DeploymentRequest.SUPERSEDE);

    static final String NAME_REGEX = "[a-z0-9][a-z0-9-]{0,62}";
    private static final Pattern NAME = Pattern.compile(NAME_REGEX);
    static final int MAX_VERSION_LENGTH = 128;
    /**
     * A version: semver-like (letters, digits, {@code . + _ -}, starting with a letter or digit). It is echoed into
     * logs, events, file names and terminals, so no spaces, no control characters, no escape sequences.
     */
    public static final String VERSION_REGEX = "[0-9A-Za-z][0-9A-Za-z.+_-]*";
    private static final Pattern VERSION = Pattern.compile(VERSION_REGEX);
    /** An artifact digest: SHA-256 as 64 hex digits (either case; kept in lower case). */
    public static final String SHA256_REGEX = "[0-9a-fA-F]{64}";
    private static final Pattern SHA256 = Pattern.compile(SHA256_REGEX);
    /** The configuration keys a request's overrides may not set: the artifact policy is the environment's. */
    public static final String LOCKED_OVERRIDE = "artifact";

    private DeploymentRequestValidator() {
    }

    /** The request with defaults applied (strategy blue-green, onConflict reject, sha256 in lower case or null). */
    public static DeploymentRequest normalize(DeploymentRequest r) {
        String strategy = r.strategy() == null || r.strategy().isBlank() ? BLUE_GREEN : r.strategy();
        String onConflict = blank(r.onConflict()) ? DeploymentRequest.REJECT : r.onConflict();
        String sha256 = blank(r.sha256()) ? null : r.sha256().toLowerCase(java.util.Locale.ROOT);
        return new DeploymentRequest(r.application(), r.environment(), r.version(), r.artifact(), strategy,
                r.overrides(), onConflict, sha256);
    }

    public static List<Violation> validate(DeploymentRequest r) {
        List<Violation> violations = new ArrayList<>();
        name("application", r.application(), violations);
        name("environment", r.environment(), violations);
        if (blank(r.version())) {
            violations.add(new Violation("version", "must not be blank"));
        } else if (r.version().length() > MAX_VERSION_LENGTH) {
            violations.add(new Violation("version", "must be at most " + MAX_VERSION_LENGTH + " characters"));
        } else if (!VERSION.matcher(r.version()).matches()) {
            violations.add(new Violation("version", "must match " + VERSION_REGEX));
        }
        if (blank(r.artifact())) {
            violations.add(new Violation("artifact", "must not be blank"));
        }
        if (r.sha256() != null && !SHA256.matcher(r.sha256()).matches()) {
            violations.add(new Violation("sha256", "must be the artifact's SHA-256 as 64 hexadecimal digits"));
        }
        for (String key : r.overrides().keySet()) {
            if (LOCKED_OVERRIDE.equals(key) || key.startsWith(LOCKED_OVERRIDE + ".")) {
                violations.add(new Violation("overrides." + key, "the artifact policy (artifact.*) belongs to the"
                        + " environment; a request cannot override it"));
            }
        }
        if (r.strategy() != null && !r.strategy().isBlank() && !KNOWN_STRATEGIES.contains(r.strategy())) {
            violations.add(new Violation("strategy", "unknown strategy '" + PlainText.of(r.strategy()) + "'; known: "
                    + String.join(", ", KNOWN_STRATEGIES)));
        }
        if (!blank(r.onConflict()) && !CONFLICT_POLICIES.contains(r.onConflict())) {
            violations.add(new Violation("onConflict", "unknown policy '" + PlainText.of(r.onConflict()) + "'; known: "
                    + String.join(", ", CONFLICT_POLICIES)));
        }
        return violations;
    }

    private static void name(String field, String value, List<Violation> violations) {
        if (blank(value)) {
            violations.add(new Violation(field, "must not be blank"));
        } else if (!NAME.matcher(value).matches()) {
            violations.add(new Violation(field, "must match " + NAME_REGEX));
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
