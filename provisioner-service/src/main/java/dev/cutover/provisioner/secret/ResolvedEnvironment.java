package dev.cutover.provisioner.secret;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An instance's environment with its secret references replaced by their values: it goes into the child
 * process's environment and nowhere else. {@link #toString()} shows variable names only, and
 * {@link #redact(String)} masks the values in text that leaves the provisioner (e.g. a failing instance's
 * last log lines in ProvisioningFailed).
 */
public final class ResolvedEnvironment {

    public static final String MASK = "*****";

    private final Map<String, String> variables;
    private final Set<String> secretVariables;
    private final List<String> secretValues;

    ResolvedEnvironment(Map<String, String> variables, Set<String> secretVariables) {
        this.variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        this.secretVariables = Collections.unmodifiableSet(new TreeSet<>(secretVariables));
        // longest first, so a value that contains another is masked whole
        this.secretValues = secretVariables.stream().map(variables::get).filter(v -> v != null && !v.isEmpty())
                .distinct().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** An environment without secret references, as given. */
    public static ResolvedEnvironment plain(Map<String, String> variables) {
        return new ResolvedEnvironment(variables, Set.of());
    }

    /** Every variable with its value (secrets resolved): for the child process's environment only. */
    public Map<String, String> variables() {
        return variables;
    }

    /** Names of the variables whose values came from the secret store. */
    public Set<String> secretVariables() {
        return secretVariables;
    }

    /** {@code text} with every resolved secret value replaced by {@value #MASK}. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String value : secretValues) {
            out = out.replace(value, MASK);
        }
        return out;
    }

    @Override
    public String toString() {
        return "ResolvedEnvironment" + new TreeSet<>(variables.keySet()) + " (secrets: " + secretVariables + ")";
    }
}
