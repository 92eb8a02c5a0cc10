package dev.cutover.local;

import dev.cutover.security.local.LocalSigningKey;
import dev.cutover.security.local.LocalTokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code run.sh token --role deployer --app shop --env staging}: prints a short-lived bearer token the local
 * stack's services accept (signed with the key in the work dir, created there on first use), and nothing else, so
 * it can be used as {@code curl -H "Authorization: Bearer $(deploy/local/run.sh token --role viewer)" ...}.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Prints a short-lived bearer token for the local stack (grant cutover:<role>:<app>:<env>).")
public final class TokenCommand implements Callable<Integer> {

    static final Set<String> ROLES = Set.of("viewer", "deployer", "approver", "admin");

    @ParentCommand
    DemoMain parent;

    @Option(names = "--role", required = true, description = "viewer, deployer, approver or admin.")
    String role;

    @Option(names = "--app", description = "Application the grant is scoped to (default: ${DEFAULT-VALUE}, any).")
    String application = "*";

    @Option(names = "--env", description = "Environment the grant is scoped to (default: ${DEFAULT-VALUE}, any).")
    String environment = "*";

    @Option(names = "--grant", description = "An additional raw grant cutover:<role>:<app>:<env> (repeatable).")
    List<String> extraGrants = new ArrayList<>();

    @Option(names = "--subject", description = "Who the token says is calling (default: ${DEFAULT-VALUE}).")
    String subject = System.getProperty("user.name", "local-user");

    @Option(names = "--ttl", description = "Lifetime: 90s, 15m, 2h (default: ${DEFAULT-VALUE}).")
    String ttl = "15m";

    @Override
    public Integer call() {
        if (!ROLES.contains(role)) {
            System.err.println("--role must be one of " + ROLES + " (got " + role + ")");
            return 2;
        }
        Path work = parent.workDir();
        LocalTokens tokens = new LocalTokens(LocalSigningKey.loadOrCreate(work)).subject(subject)
                .ttl(LocalTokens.parseTtl(ttl)).grant(role, application, environment);
        extraGrants.forEach(tokens::group);
        System.out.println(tokens.mint());
        return 0;
    }
}
