package dev.cutover.secrets;

import java.util.regex.Pattern;

/**
 * A reference to a secret in an environment value: {@code secret://name} (the current value) or
 * {@code secret://name/version} (a pinned version). Names follow Azure Key Vault's rules (1-127 characters of
 * 0-9, a-z, A-Z and -), so a reference that works with the local store works with Key Vault too.
 */
public record SecretReference(String name, String version) {

    public static final String SCHEME = "secret://";
    private static final Pattern SEGMENT = Pattern.compile("[0-9a-zA-Z-]{1,127}");

    public SecretReference {
        check(name, "name");
        if (version != null) {
            check(version, "version");
        }
    }

    /** Does this environment value ask for a secret (as opposed to being a plain value)? */
    public static boolean isReference(String value) {
        return value != null && value.startsWith(SCHEME);
    }

    /**
     * Reads the reference in {@code value}, the value of environment variable {@code variable}.
     *
     * @throws IllegalArgumentException naming the variable and what is wrong (never a secret value: a
     *                                  reference is configuration that travels in events anyway)
     */
    public static SecretReference parse(String variable, String value) {
        if (!isReference(value)) {
            throw new IllegalArgumentException("variable " + variable + ": not a secret reference (" + SCHEME + "name"
                    + " or " + SCHEME + "name/version)");
        }
        String path = value.substring(SCHEME.length());
        String[] parts = path.split("/", -1);
        try {
            return switch (parts.length) {
                case 1 -> new SecretReference(parts[0], null);
                case 2 -> new SecretReference(parts[0], parts[1]);
                default -> throw new IllegalArgumentException("expected " + SCHEME + "name or " + SCHEME
                        + "name/version");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("variable " + variable + ": invalid secret reference '" + value + "': "
                    + e.getMessage());
        }
    }

    public boolean pinned() {
        return version != null;
    }

    /** {@code 'db-password'} or {@code 'db-password' version '3f2a…'}, for messages. */
    public String describe() {
        return "'" + name + "'" + (pinned() ? " version '" + version + "'" : "");
    }

    @Override
    public String toString() {
        return SCHEME + name + (pinned() ? "/" + version : "");
    }

    private static void check(String segment, String what) {
        if (segment == null || segment.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        if (segment.length() > 127) {
            throw new IllegalArgumentException(what + " is longer than 127 characters");
        }
        if (!SEGMENT.matcher(segment).matches()) {
            throw new IllegalArgumentException(what + " '" + segment + "' may only contain 0-9, a-z, A-Z and -");
        }
    }
}
