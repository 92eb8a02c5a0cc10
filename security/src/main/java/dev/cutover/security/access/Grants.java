package dev.cutover.security.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What a token may do, read from the values of its groups claim (or Entra ID's {@code roles} claim, whichever
 * the service is configured to read): each {@code cutover:<role>:<application>:<environment>} entry is a grant
 * ({@code *} for any application or environment), every other entry is ignored. Deny by default: no grant, no
 * permission.
 *
 * <pre>
 * Grants grants = Grants.of(List.of("cutover:deployer:shop:staging", "cutover:viewer:*:production"));
 * grants.allows(Permission.START, "shop", "staging");   // true
 * grants.allows(Permission.START, "shop", "production"); // false, but
 * grants.visible("shop", "production");                  // true (viewer)
 * </pre>
 */
public final class Grants {

    /** The claim read by default; Entra ID app roles arrive in {@code roles}. */
    public static final String DEFAULT_CLAIM = "groups";

    private static final Grants NONE = new Grants(List.of());

    private final List<Grant> grants;

    private Grants(List<Grant> grants) {
        this.grants = List.copyOf(grants);
    }

    /** The grants among the claim's values (null or empty: none). */
    public static Grants of(Collection<String> claimValues) {
        if (claimValues == null || claimValues.isEmpty()) {
            return NONE;
        }
        List<Grant> parsed = new ArrayList<>();
        for (String value : claimValues) {
            Grant.parse(value).ifPresent(parsed::add);
        }
        return new Grants(parsed);
    }

    /**
     * The grants in a claim's raw value as a JWT library hands it over: a collection (of strings or JSON
     * strings, whose quotes are dropped), or one string holding entries separated by spaces or commas.
     */
    public static Grants fromClaim(Object claim) {
        List<String> values = new ArrayList<>();
        if (claim instanceof Collection<?> collection) {
            for (Object element : collection) {
                if (element != null) {
                    values.add(unquote(element.toString()));
                }
            }
        } else if (claim != null) {
            for (String value : unquote(claim.toString()).split("[\\s,]+")) {
                if (!value.isEmpty()) {
                    values.add(value);
                }
            }
        }
        return of(values);
    }

    private static String unquote(String value) {
        String trimmed = value.strip();
        if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
            return trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed;
    }

    public static Grants of(String... claimValues) {
        return of(List.of(claimValues));
    }

    /** No grant at all. */
    public static Grants none() {
        return NONE;
    }

    /** Whether a grant covering (application, environment) allows the permission. */
    public boolean allows(Permission permission, String application, String environment) {
        for (Grant grant : grants) {
            if (grant.role().allows(permission) && grant.covers(application, environment)) {
                return true;
            }
        }
        return false;
    }

    /** Whether anything of (application, environment) may be seen: any grant covering it (every role reads). */
    public boolean visible(String application, String environment) {
        return allows(Permission.READ, application, environment);
    }

    /**
     * Whether the permission is granted for at least one application in the environment ({@code null}: in at
     * least one environment) — for endpoints that are about an environment rather than one application.
     */
    public boolean allowsSomewhere(Permission permission, String environment) {
        for (Grant grant : grants) {
            if (grant.role().allows(permission) && grant.coversSomeApplicationIn(environment)) {
                return true;
            }
        }
        return false;
    }

    /** The role with the permission for (application, environment), if any — for messages and audit. */
    public Optional<Role> roleFor(Permission permission, String application, String environment) {
        return grants.stream()
                .filter(g -> g.role().allows(permission) && g.covers(application, environment))
                .map(Grant::role)
                .findFirst();
    }

    public boolean isEmpty() {
        return grants.isEmpty();
    }

    public List<Grant> list() {
        return grants;
    }

    @Override
    public String toString() {
        return grants.toString();
    }
}
