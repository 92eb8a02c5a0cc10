package dev.cutover.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The full chaos run behind {@code bench/chaos.sh}: every strategy x every service x every moment (see
 * {@link ChaosSuite}), plus a broker restart mid-rollout of each strategy, on one local stack. Prints each run as it
 * ends and the table at the end; exit code 1 when a run did not pass.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "SIGKILLs each service at chosen moments of blue-green, canary and rolling deployments under user"
                + " traffic, restarts it after a random delay, and checks the outcome of every run.")
public final class ChaosMain implements Callable<Integer> {

    @Option(names = "--seed", description = "Seed of the restart delays (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--rate", description = "User requests per second through the router (default: ${DEFAULT-VALUE}).")
    int rate = 30;

    @Option(names = "--strategy", split = ",", description = "Only these strategies (blue-green, canary, rolling).")
    List<String> strategies;

    @Option(names = "--victim", split = ",", description = "Only these victims (a service's module name, kafka-broker).")
    List<String> victims;

    @Option(names = "--moment", split = ",", description = "Only these moments (accepted, provision, shift, rollback).")
    List<String> moments;

    @Option(names = "--limit", description = "At most this many runs (default: all).")
    int limit = Integer.MAX_VALUE;

    @Mixin
    CheckoutRoot checkout;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChaosMain()).execute(args));
    }

    @Override
    public Integer call() {
        Path root = checkout.path();
        Path work = root.resolve(".cutover-chaos");
        List<ChaosSuite.Case> plan = ChaosSuite.fullPlan().stream()
                .filter(c -> strategies == null || strategies.contains(c.strategy()))
                .filter(c -> victims == null || victims.contains(c.victim()))
                .filter(c -> moments == null || moments.contains(c.moment().name().toLowerCase(Locale.ROOT)))
                .limit(limit).toList();
        DemoMain.say("chaos: " + plan.size() + " runs, seed " + seed + ", " + rate + " requests/s; logs in "
                + work.resolve("logs"));
        long t0 = System.nanoTime();
        try (LocalStack stack = LocalStack.start(new LocalStack.Settings(root, work, 0, Map.of()), DemoMain::say)) {
            List<ChaosSuite.Result> results = new ChaosSuite(stack, seed, rate, DemoMain::say).run(plan);
            System.out.println();
            System.out.printf(Locale.ROOT, "chaos table (seed %d, %d runs, %.0f min):%n", seed, results.size(),
                    (System.nanoTime() - t0) / 60e9);
            System.out.print(ChaosSuite.table(results));
            results.stream().filter(r -> !r.passed()).forEach(r -> System.out.println("FAILED " + r.line()));
            return results.stream().allMatch(ChaosSuite.Result::passed) ? 0 : 1;
        }
    }
}
