package dev.cutover.provisioner.plan;

import dev.cutover.events.HealthMonitorEvent.Outcome;
import dev.cutover.events.InfrastructurePlan.HardeningResult;
import dev.cutover.events.ProvisionerCommand.Policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The named hardening rules, judged on a desired state ({@link Posture}) before anything exists: each PASS, FAIL
 * or SKIPPED (the provider has no such thing) with its reason, and blocking when the environment's policy says so
 * ({@code hardening.blocking}). A policy naming a rule that does not exist is a configuration error: a typo must not
 * silently switch a rule off.
 */
public final class HardeningRules {

    /** The rules, by the names policies use. */
    public enum Rule {
        HTTPS_ONLY("https-only"),
        MIN_TLS_1_2("min-tls-1.2"),
        FTPS_DISABLED("ftps-disabled"),
        MANAGED_IDENTITY("managed-identity"),
        SECRETS_AS_KEY_VAULT_REFERENCES("secrets-as-key-vault-references"),
        INBOUND_443_ONLY("inbound-443-only"),
        PRIVATE_ENDPOINT("private-endpoint"),
        DIAGNOSTICS_ENABLED("diagnostics-enabled");

        private final String ruleName;

        Rule(String ruleName) {
            this.ruleName = ruleName;
        }

        public String ruleName() {
            return ruleName;
        }
    }

    /** Names that hold a secret by convention: passwords, secrets, tokens, keys, connection strings, credentials. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            ".*(PASSWORD|PASSWD|PWD|SECRET|TOKEN|KEY|CONNECTION_?STRING|CONNSTR|CREDENTIAL).*");
    public static final String KEY_VAULT_REFERENCE_PREFIX = "@Microsoft.KeyVault(";
    private static final String SECRET_REFERENCE_PREFIX = "secret://";

    private HardeningRules() {
    }

    /** Every rule on {@code posture}, in declaration order. */
    public static List<HardeningResult> evaluate(Posture posture, Policy policy, boolean production)
            throws PlanningException {
        List<String> known = Arrays.stream(Rule.values()).map(Rule::ruleName).toList();
        List<String> unknown = policy.blockingRules().stream().filter(r -> !known.contains(r)).toList();
        if (!unknown.isEmpty()) {
            throw PlanningException.configuration("unknown hardening rule(s) " + unknown + " in hardening.blocking"
                    + " (known: " + known + ")");
        }
        List<HardeningResult> results = new ArrayList<>();
        for (Rule rule : Rule.values()) {
            Judgement j = judge(rule, posture, production);
            results.add(new HardeningResult(rule.ruleName(), j.outcome(), policy.blockingRules().contains(rule.ruleName()),
                    j.reason()));
        }
        return results;
    }

    /** Does any blocking rule fail? */
    public static boolean blocks(List<HardeningResult> results) {
        return results.stream().anyMatch(r -> r.blocking() && r.outcome() == Outcome.FAIL);
    }

    private record Judgement(Outcome outcome, String reason) {
        static Judgement pass(String reason) {
            return new Judgement(Outcome.PASS, reason);
        }

        static Judgement fail(String reason) {
            return new Judgement(Outcome.FAIL, reason);
        }

        static Judgement skipped(String reason) {
            return new Judgement(Outcome.SKIPPED, reason);
        }
    }

    private static Judgement judge(Rule rule, Posture p, boolean production) {
        String where = p.where();
        return switch (rule) {
            case HTTPS_ONLY -> p.httpsOnly() == null ? Judgement.skipped(where + " has no HTTP endpoint of its own")
                    : p.httpsOnly() ? Judgement.pass("plain HTTP is redirected to HTTPS")
                    : Judgement.fail("plain HTTP is served (security.https-only is off)");
            case MIN_TLS_1_2 -> p.minTlsVersion() == null ? Judgement.skipped(where + " terminates no TLS")
                    : tlsAtLeast12(p.minTlsVersion()) ? Judgement.pass("minimum TLS version " + p.minTlsVersion())
                    : Judgement.fail("minimum TLS version " + p.minTlsVersion() + " is below 1.2");
            case FTPS_DISABLED -> p.ftpsState() == null ? Judgement.skipped(where + " has no FTP endpoint")
                    : "Disabled".equalsIgnoreCase(p.ftpsState()) ? Judgement.pass("FTP and FTPS deployment are off")
                    : Judgement.fail("FTP state is " + p.ftpsState());
            case MANAGED_IDENTITY -> p.managedIdentity() == null ? Judgement.skipped(where + " has no cloud identity")
                    : p.managedIdentity() ? Judgement.pass("a managed identity reads the secrets, no credential is stored")
                    : Judgement.fail("no managed identity");
            case SECRETS_AS_KEY_VAULT_REFERENCES -> secrets(p.appSettings());
            case INBOUND_443_ONLY -> {
                if (p.internetInboundPorts() == null) {
                    yield Judgement.skipped(where + " has no network rules of its own");
                }
                List<Integer> others = p.internetInboundPorts().stream().filter(port -> port != 443).distinct().sorted()
                        .toList();
                yield others.isEmpty() ? Judgement.pass("only 443 is open to the internet")
                        : Judgement.fail("open to the internet besides 443: " + others);
            }
            case PRIVATE_ENDPOINT -> {
                if (p.privateEndpoint() == null) {
                    yield Judgement.skipped(where + " has no network of its own");
                }
                if (p.privateEndpoint()) {
                    yield Judgement.pass("reached through a private endpoint");
                }
                yield production ? Judgement.fail("production without a private endpoint (network.private-endpoint)")
                        : Judgement.pass("no private endpoint: not required outside production");
            }
            case DIAGNOSTICS_ENABLED -> p.diagnostics() == null ? Judgement.skipped(where + " has no diagnostic settings")
                    : p.diagnostics() ? Judgement.pass("logs and metrics go to diagnostic settings")
                    : Judgement.fail("no diagnostic settings (diagnostics.enabled is off)");
        };
    }

    private static Judgement secrets(Map<String, String> settings) {
        if (settings == null) {
            return Judgement.skipped("no application settings");
        }
        // names only, never values: a literal secret must not travel into the plan
        List<String> literal = new TreeMap<>(settings).entrySet().stream()
                .filter(e -> looksSecret(e.getKey()) && isLiteral(e.getValue()))
                .map(Map.Entry::getKey).collect(Collectors.toList());
        return literal.isEmpty() ? Judgement.pass("no secret-like setting has a literal value")
                : Judgement.fail("secret-like settings with literal values: " + literal);
    }

    /** A name that by convention holds a secret ({@code DB_PASSWORD}, {@code apiKey}, {@code ConnectionStrings__x}). */
    public static boolean looksSecret(String name) {
        return SECRET_NAME.matcher(name.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_')).matches();
    }

    private static boolean isLiteral(String value) {
        return value != null && !value.isEmpty() && !value.startsWith(SECRET_REFERENCE_PREFIX)
                && !value.startsWith(KEY_VAULT_REFERENCE_PREFIX);
    }

    private static boolean tlsAtLeast12(String version) {
        try {
            return Double.parseDouble(version) >= 1.2;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
