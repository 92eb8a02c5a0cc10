package dev.cutover.provisioner.secret;

import dev.cutover.provisioner.slot.ProvisioningException;
import dev.cutover.secrets.SecretReference;
import dev.cutover.secrets.SecretStore;
import dev.cutover.secrets.SecretStoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Replaces the {@code secret://} values of an instance environment with the secrets' values, at the moment
 * an instance is about to start. All references are checked first; then each is fetched from the store.
 * Any failure fails the whole environment with one reason naming every secret and variable concerned (never
 * a value), so nothing is started with half a configuration. Meters carry the store and outcome only.
 */
public class SecretResolver {

    private static final Logger LOG = Logger.getLogger(SecretResolver.class);

    private final SecretStore store;
    private final MeterRegistry meters;
    private final Timer timer;

    public SecretResolver(SecretStore store, MeterRegistry meters) {
        this.store = store;
        this.meters = meters;
        this.timer = Timer.builder("cutover.provisioner.secrets.resolve")
                .description("Time to resolve the secret references of one instance environment")
                .tag("store", store.kind()).register(meters);
    }

    /**
     * @param environment variables as the ProvisionSlot gives them (values may be references)
     * @param context     for the log line, e.g. "shop/prod slot green (deployment d-42)"
     * @throws ProvisioningException "configuration error: …" (invalid reference, not found, access denied) or
     *                               "secret store unavailable: …" (throttled, unreachable)
     */
    public ResolvedEnvironment resolve(Map<String, String> environment, String context) throws ProvisioningException {
        Map<String, SecretReference> references = new TreeMap<>();
        List<String> invalid = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
            if (SecretReference.isReference(e.getValue())) {
                try {
                    references.put(e.getKey(), SecretReference.parse(e.getKey(), e.getValue()));
                } catch (IllegalArgumentException bad) {
                    invalid.add(bad.getMessage());
                }
            }
        }
        if (!invalid.isEmpty()) {
            count("invalid", invalid.size());
            throw ProvisioningException.configuration("configuration error: " + String.join("; ", invalid));
        }
        if (references.isEmpty()) {
            return ResolvedEnvironment.plain(environment);
        }

        Timer.Sample sample = Timer.start(meters);
        Map<String, String> resolved = new LinkedHashMap<>(environment);
        List<String> problems = new ArrayList<>();
        boolean configuration = false;
        try {
            for (Map.Entry<String, SecretReference> e : references.entrySet()) {
                try {
                    resolved.put(e.getKey(), store.resolve(e.getValue()));
                    count("resolved", 1);
                } catch (SecretStoreException failure) {
                    count(outcome(failure), 1);
                    problems.add("variable " + e.getKey() + ": " + failure.getMessage());
                    configuration |= failure.configurationError();
                    if (!failure.configurationError()) {
                        break; // the store is in trouble: asking it for the rest only takes longer
                    }
                }
            }
        } finally {
            sample.stop(timer);
        }
        if (!problems.isEmpty()) {
            String reason = String.join("; ", problems);
            throw configuration ? ProvisioningException.configuration("configuration error: " + reason)
                    : new ProvisioningException("secret store unavailable: " + reason);
        }
        Set<String> names = new TreeSet<>(references.keySet());
        LOG.infof("Resolved %d secret reference(s) from %s for %s: %s", names.size(), store.kind(), context, names);
        return new ResolvedEnvironment(resolved, names);
    }

    private static String outcome(SecretStoreException failure) {
        if (failure instanceof SecretStoreException.NotFound) {
            return "not-found";
        }
        return failure instanceof SecretStoreException.AccessDenied ? "access-denied" : "unavailable";
    }

    private void count(String outcome, int n) {
        Counter.builder("cutover.provisioner.secrets.resolutions")
                .description("Secret references resolved, by store and outcome")
                .tag("store", store.kind()).tag("outcome", outcome).register(meters).increment(n);
    }
}
