package dev.cutover.security.access;

import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a token's groups (or roles) claim: {@code cutover:<role>:<application>:<environment>}, where the
 * application and the environment may each be {@code *} (any). Anything else in the claim is not a grant.
 */
public record Grant(Role role, String application, String environment) {

    public static final String PREFIX = "cutover";
    public static final String ANY = "*";

    public Grant {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(environment, "environment");
    }

    /** The grant an entry of the claim names, or empty if it is not a well-formed Cutover grant. */
    public static Optional<Grant> parse(String claimValue) {
        if (claimValue == null) {
            return Optional.empty();
        }
        String[] parts = claimValue.split(":", -1);
        if (parts.length != 4 || !PREFIX.equals(parts[0])) {
            return Optional.empty();
        }
        if (!segment(parts[2]) || !segment(parts[3])) {
            return Optional.empty();
        }
        return Role.fromClaimName(parts[1]).map(role -> new Grant(role, parts[2], parts[3]));
    }

    /** The claim entry for a grant, as a token issuer (the local launcher, a test) writes it. */
    public static String claim(Role role, String application, String environment) {
        return new Grant(role, application, environment).toClaim();
    }

    public String toClaim() {
        return PREFIX + ":" + role.claimName() + ":" + application + ":" + environment;
    }

    /** Whether this grant covers the (application, environment); a null argument matches only a wildcard. */
    public boolean covers(String application, String environment) {
        return matches(this.application, application) && matches(this.environment, environment);
    }

    /** Whether this grant covers some application in the environment (a null environment: some environment). */
    boolean coversSomeApplicationIn(String environment) {
        return environment == null || matches(this.environment, environment);
    }

    private static boolean matches(String granted, String asked) {
        return ANY.equals(granted) || granted.equals(asked);
    }

    /** {@code *} or a name as the services accept it: lower-case letters, digits and dashes. */
    private static boolean segment(String value) {
        return ANY.equals(value) || value.matches("[a-z0-9][a-z0-9-]{0,62}");
    }

    @Override
    public String toString() {
        return toClaim();
    }
}
