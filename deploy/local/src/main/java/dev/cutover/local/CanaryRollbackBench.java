package dev.cutover.local;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Benchmark: from the moment a canary starts failing to 100 % of traffic on the stable version, with a
 * 1 s probe interval. The canary is broken on purpose through the sample app's {@code POST /fault} at a
 * known instant; the end is the first moment the router itself reports the stable slot at weight 100.
 */
@Command(name = "canary-rollback-bench", mixinStandardHelpOptions = true,
        description = "Measures canary failure -> all traffic on stable, on the real local stack.")
public final class CanaryRollbackBench implements Callable<Integer> {

    @Option(names = "--runs", description = "Canaries to break (default: ${DEFAULT-VALUE}).")
    int runs = 5;

    @Option(names = "--probe-interval-ms", description = "Analysis probe interval (default: ${DEFAULT-VALUE}).")
    int probeIntervalMs = 1000;

    @Option(names = "--rate", description = "User requests per second through the router (default: ${DEFAULT-VALUE}).")
    int rate = 50;

    @Mixin
    CheckoutRoot checkout;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) {
        System.exit(new CommandLine(new CanaryRollbackBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path root = checkout.path();
        Path work = root.resolve(".cutover-bench");
        DemoMain.say("canary-rollback benchmark: " + runs + " runs, probe interval " + probeIntervalMs
                + " ms, " + rate + " requests/s; logs in " + work.resolve("logs"));
        try (LocalStack stack = LocalStack.start(new LocalStack.Settings(root, work, 0, Map.of()), DemoMain::say)) {
            CutoverClient client = stack.client("orchestrator-service");
            CutoverClient provisioner = stack.client("provisioner-service");
            int routerPort = LocalStack.freePort();
            CutoverClient routerAdmin = new CutoverClient(LocalStack.routerAdminUrl(routerPort));
            String artifact = stack.sampleAppJar().toUri().toString();

            JsonNode v1 = client.awaitTerminal(deploy(client, artifact, "1.0.0", "blue-green", routerPort), Duration.ofMinutes(2));
            require("SUCCEEDED", v1);
            DemoMain.say("stable 1.0.0 serving on http://127.0.0.1:" + routerPort);
            List<Long> samples = new ArrayList<>();
            try (TrafficLoop traffic = TrafficLoop.start(URI.create("http://127.0.0.1:" + routerPort + "/"), rate)) {
                for (int run = 1; run <= runs; run++) {
                    String version = "2.0." + run;
                    String id = deploy(client, artifact, version, "canary", routerPort);
                    String canarySlot = awaitCanaryTakingTraffic(client, routerAdmin, id);
                    String canaryUrl = instanceUrl(provisioner, version);
                    long t0 = System.nanoTime();
                    http.send(HttpRequest.newBuilder(URI.create(canaryUrl + "/fault?fail-health=true&error-rate=1"))
                            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
                    while (weightOf(routerAdmin, canarySlot) > 0) {
                        ChildProcess.pause(5);
                        if (System.nanoTime() - t0 > Duration.ofMinutes(2).toNanos()) {
                            throw new IllegalStateException("traffic never left the canary: " + client.deployment(id));
                        }
                    }
                    long millis = (System.nanoTime() - t0) / 1_000_000;
                    samples.add(millis);
                    JsonNode done = client.awaitTerminal(id, Duration.ofMinutes(2));
                    JsonNode last = done.path("analyses").path(done.path("analyses").size() - 1).path("decision");
                    DemoMain.say(String.format("run %d: canary %s failing -> 100%% on stable in %d ms (%s, rule %s)",
                            run, version, millis, done.path("status").asText(), last.path("firedRule").asText("?")));
                }
                DemoMain.say("user traffic meanwhile: " + traffic);
            }
            Collections.sort(samples);
            DemoMain.say(String.format("RESULT canary failure -> 100%% traffic on stable, probe interval %d ms: "
                            + "min %d ms, median %d ms, max %d ms over %d runs", probeIntervalMs, samples.get(0),
                    samples.get(samples.size() / 2), samples.get(samples.size() - 1), samples.size()));
        }
        return 0;
    }

    private String deploy(CutoverClient client, String artifact, String version, String strategy, int routerPort) {
        CutoverClient.Response response = client.deploy(CutoverClient.deploymentRequest("bench", "development", version,
                artifact, strategy, Map.of(
                        "router", Map.of("port", routerPort),
                        "health", Map.of("monitor-window-ms", 2000),
                        "canary", Map.of("steps", List.of(25, 100)),
                        // a long window: the canary is judged by its triggers, checked every probe interval
                        "analysis", Map.of("window-ms", 120000, "probe-interval-ms", probeIntervalMs, "min-samples", 10,
                                "health-failure-threshold", 2))));
        if (response.status() != 202) {
            throw new IllegalStateException("refused: " + response.status() + " " + response.body());
        }
        return response.body().path("id").asText();
    }

    /** Waits until the router gives the canary its first step's share; returns the canary's slot. */
    private static String awaitCanaryTakingTraffic(CutoverClient client, CutoverClient routerAdmin, String id) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode view = client.deployment(id);
            String slot = view.path("slot").asText();
            if (!slot.isEmpty() && weightOf(routerAdmin, slot) > 0) {
                return slot;
            }
            if (CutoverClient.TERMINAL.contains(view.path("status").asText())) {
                throw new IllegalStateException("canary ended before taking traffic: " + view);
            }
            ChildProcess.pause(50);
        }
        throw new IllegalStateException("canary never took traffic: " + client.deployment(id));
    }

    private static int weightOf(CutoverClient routerAdmin, String slot) {
        for (JsonNode backend : routerAdmin.get("/backends").body().path("backends")) {
            if (slot.equals(backend.path("id").asText())) {
                return backend.path("weight").asInt();
            }
        }
        return 0;
    }

    private static String instanceUrl(CutoverClient provisioner, String version) {
        for (JsonNode target : provisioner.get("/slots").body()) {
            for (JsonNode slot : target.path("slots")) {
                if (version.equals(slot.path("version").asText()) && "bench".equals(target.path("application").asText())) {
                    return slot.path("url").asText();
                }
            }
        }
        throw new IllegalStateException("no instance of " + version);
    }

    private static void require(String status, JsonNode view) {
        if (!status.equals(view.path("status").asText())) {
            throw new IllegalStateException("expected " + status + ": " + view);
        }
    }
}
