package dev.cutover.local;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The local run: starts the embedded default and shows a blue-green deployment end to end —
 * v1, then a healthy v2, then a v3 that breaks under real traffic and is rolled back — while user
 * traffic flows through the router.
 */
@Command(name = "cutover-local", mixinStandardHelpOptions = true, subcommands = TokenCommand.class,
        description = "Runs Cutover on this machine: Kafka broker, five services, router, demo deployments.")
public final class DemoMain implements Callable<Integer> {

    @Option(names = "--work-dir", description = "Logs and provisioner state (default: .cutover under the root).")
    Path workDir;

    @Mixin
    CheckoutRoot checkout;

    @Option(names = "--kafka-port", description = "Broker port (default: ${DEFAULT-VALUE}).")
    int kafkaPort = 9092;

    @Option(names = "--router-port", description = "Port of the demo application's router (default: ${DEFAULT-VALUE}).")
    int routerPort = 18080;

    @Option(names = "--rate", description = "User requests per second sent through the router (default: ${DEFAULT-VALUE}).")
    int rate = 20;

    @Option(names = "--exit-after-demo", description = "Stop everything once the demo is done instead of waiting for Ctrl-C.")
    boolean exitAfterDemo;

    private static final String APP = "sample-app";
    private static final String ENV = "development";

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoMain()).execute(args));
    }

    /** Logs, provisioner state and the token signing key. */
    Path workDir() {
        return workDir != null ? workDir : checkout.path().resolve(".cutover");
    }

    @Override
    public Integer call() throws Exception {
        Path root = checkout.path();
        Path work = workDir();
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("orchestrator-service", 8090);
        ports.put("config-service", 8091);
        ports.put("provisioner-service", 8092);
        ports.put("health-monitor-service", 8093);
        ports.put("rollback-service", 8094);
        say("Cutover local run — work dir " + work + ", logs in " + work.resolve("logs"));
        long t0 = System.nanoTime();
        LocalStack stack = LocalStack.start(new LocalStack.Settings(root, work, kafkaPort, ports), DemoMain::say);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("stopping everything this run started ...");
            stack.close();
            say("stopped.");
            stopped.countDown();
        }));
        say(String.format("stack ready in %.1f s", (System.nanoTime() - t0) / 1e9));

        CutoverClient client = stack.client("orchestrator-service");
        URI router = URI.create("http://127.0.0.1:" + routerPort + "/");
        String artifact = stack.sampleAppJar().toUri().toString();

        step("1/3", "deploy " + APP + " 1.0.0 to " + ENV + " (first deployment: nothing to switch from)");
        JsonNode v1 = deploy(client, artifact, "1.0.0", Map.of());
        if (!"SUCCEEDED".equals(v1.path("status").asText())) {
            return fail(v1);
        }
        say("user traffic: " + rate + " requests/s through the router " + router);
        try (TrafficLoop traffic = TrafficLoop.start(router, rate)) {
            step("2/3", "deploy 2.0.0, healthy, blue-green");
            JsonNode v2 = deploy(client, artifact, "2.0.0", Map.of());
            say("  traffic so far: " + traffic);
            if (!"SUCCEEDED".equals(v2.path("status").asText())) {
                return fail(v2);
            }
            step("3/3", "deploy 3.0.0, whose /health fails once it has served 40 real requests");
            JsonNode v3 = deploy(client, artifact, "3.0.0",
                    Map.of("app", Map.of("env", Map.of("SAMPLE_FAIL_HEALTH_AFTER_REQUESTS", "40"))));
            say("  traffic so far: " + traffic);
            say("  rollback: " + v3.path("rollback"));
            say(String.format("  failed user requests during both deployments: %d of %d", traffic.failed(), traffic.sent()));
        }
        say(String.format("total RSS of the local stack (broker, services, router, instances): %d MiB",
                stack.totalRssKib() / 1024));
        say("");
        say("Where to look:");
        say("  application through its router:  curl " + router);
        say("  every API call needs a bearer token; get one (15 min) for a role and scope:");
        say("    TOKEN=$(deploy/local/run.sh token --role viewer --app " + APP + " --env " + ENV + ")");
        say("    (roles viewer, deployer, approver, admin; --app/--env default to any; --subject, --ttl)");
        say("  deployments:                     curl -H \"Authorization: Bearer $TOKEN\" " + stack.orchestratorUrl()
                + "/deployments");
        say("  service metrics (Prometheus):    curl " + stack.orchestratorUrl() + "/q/metrics");
        say("  router metrics:                  curl " + LocalStack.routerAdminUrl(routerPort).resolve("/metrics"));
        say("  logs:                            " + stack.logs());
        say("  deploy your own version:");
        say("    curl -XPOST -H 'Content-Type: application/json' \\");
        say("      -H \"Authorization: Bearer $(deploy/local/run.sh token --role deployer --app " + APP + " --env " + ENV
                + ")\" " + stack.orchestratorUrl() + "/deployments \\");
        say("      -d '{\"application\":\"" + APP + "\",\"environment\":\"" + ENV + "\",\"version\":\"4.0.0\",\"artifact\":\""
                + artifact + "\"}'");
        say("  or as CI would, signed (Standard Webhooks headers + cutover-ci-source: " + LocalStack.CI_SOURCE
                + "; key in " + stack.ciSecretsFile() + "):");
        say("    on Kafka topic cutover.deployment.requests at " + stack.bootstrapServers() + ", or POST "
                + stack.orchestratorUrl() + "/webhooks/" + LocalStack.CI_SOURCE
                + " (see orchestrator-service/README.md 'Signed CI requests')");
        if (exitAfterDemo) {
            return 0;
        }
        say("Cutover is running. Ctrl-C stops everything it started.");
        stopped.await();
        return 0;
    }

    private static JsonNode deploy(CutoverClient client, String artifact, String version, Map<String, Object> overrides) {
        long t0 = System.nanoTime();
        CutoverClient.Response response = client.deploy(CutoverClient.deploymentRequest(APP, ENV, version, artifact,
                "blue-green", overrides));
        if (response.status() != 202) {
            throw new IllegalStateException("deployment refused: " + response.status() + " " + response.body());
        }
        String id = response.body().path("id").asText();
        say("  accepted as " + id);
        String seen = "";
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        JsonNode view = response.body();
        while (System.nanoTime() < deadline) {
            view = client.deployment(id);
            String status = view == null ? "" : view.path("status").asText();
            if (!status.equals(seen)) {
                String reason = view.path("reason").asText("");
                say(String.format("  %6.1f s  %-12s %s", (System.nanoTime() - t0) / 1e9, status, reason));
                seen = status;
            }
            if (CutoverClient.TERMINAL.contains(status)) {
                return view;
            }
            ChildProcess.pause(100);
        }
        throw new IllegalStateException("deployment " + id + " did not finish: " + view);
    }

    private static int fail(JsonNode view) {
        say("demo stopped: unexpected outcome " + view);
        return 1;
    }

    private static void step(String n, String what) {
        say("");
        say("[" + n + "] " + what);
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
