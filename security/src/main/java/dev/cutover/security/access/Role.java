package dev.cutover.security.access;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The roles a grant names; each implies a fixed set of permissions (every role can read). */
public enum Role {
    /** Reads deployments, configuration and slots. */
    VIEWER(EnumSet.of(Permission.READ)),
    /** Starts and steers deployments: start, promote, pause, resume, abort, rollback, redeploy; reads. */
    DEPLOYER(
            EnumSet.of(
                    Permission.READ,
                    Permission.START,
                    Permission.PROMOTE,
                    Permission.PAUSE,
                    Permission.RESUME,
                    Permission.ABORT,
                    Permission.ROLLBACK,
                    Permission.REDEPLOY)),
    /** Passes approval gates; reads. */
    APPROVER(EnumSet.of(Permission.READ, Permission.APPROVE)),
    /** Everything. */
    ADMIN(EnumSet.allOf(Permission.class));

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = permissions;
    }

    public boolean allows(Permission permission) {
        return permissions.contains(permission);
    }

    /** The name as written in a grant ({@code deployer}). */
    public String claimName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role a grant names ({@code viewer}, {@code deployer}, {@code approver}, {@code admin}); exact, lower case. */
    public static Optional<Role> fromClaimName(String name) {
        for (Role role : values()) {
            if (role.claimName().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
