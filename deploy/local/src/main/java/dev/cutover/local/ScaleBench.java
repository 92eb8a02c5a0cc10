package dev.cutover.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * Benchmark: many concurrent deployments, each to its own target (application), on the real local stack, and the
 * orchestrator's per-step decision latency as concurrency grows. A decision is an agent's event arriving on its
 * topic followed by the orchestrator's next command: the command's {@code causationId} is the event's
 * {@code messageId}, and the latency is the difference of the two records' Kafka timestamps (the producers' send
 * times, one clock: everything runs on this machine). The records are read by a plain consumer of every
 * {@code cutover.*} topic; a command sent again (same messageId) counts once, as the first send.
 * <p>
 * Level {@code n} deploys one new version to each of the applications {@code scale-001 .. scale-n} at once (so later
 * levels replace the slot of the level before, as a release does) and waits for all of them to end.
 */
@Command(name = "scale-bench", mixinStandardHelpOptions = true,
        description = "Concurrent deployments across distinct targets: per-step decision latency per level.")
public final class ScaleBench implements Callable<Integer> {

    private static final Pattern ALL_TOPICS = Pattern.compile("cutover\\.[a-z]+\\.(events|commands)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--levels", split = ",", description = "Concurrent deployments per level (default: ${DEFAULT-VALUE}).")
    List<Integer> levels = List.of(1, 1, 5, 10, 50, 50);

    @Option(names = "--strategy", description = "blue-green | canary | rolling (default: ${DEFAULT-VALUE}).")
    String strategy = "blue-green";

    @Option(names = "--artifact", description = "The application's artifact URI (default: the Python sample app, "
            + "deploy/sample-app/target/sample-app-python.tar.gz, with --app-command; without it the sample app jar).")
    String artifact;

    @Option(names = "--app-command", description = "app.command for the artifact (default for the Python sample app: "
            + "'<python3> app.py --port {port}', /usr/bin/python3 when present).")
    String appCommand;

    @Option(names = "--explicit-router-ports", description = "Give each target a router port in the request instead "
            + "of the provisioner's pool.")
    boolean explicitRouterPorts;

    @Option(names = "--monitor-window-ms", description = "Post-switch health monitor window (default: ${DEFAULT-VALUE}).")
    int monitorWindowMs = 2000;

    @Option(names = "--level-timeout-s", description = "Longest wait for a level's deployments (default: ${DEFAULT-VALUE}).")
    int levelTimeoutSeconds = 600;

    @Mixin
    CheckoutRoot checkout;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScaleBench()).execute(args));
    }

    /** One record of a command or event topic. */
    record Seen(String topic, String type, String messageId, String causationId, String deploymentId, long timestamp) {
        boolean command() {
            return topic.endsWith(".commands");
        }
    }

    record Level(int concurrency, int submitted, Map<String, Integer> statuses, double wallSeconds, int decisions,
                 int resends, long p50, long p95, long p99, long max, long maxRssKib, String load, Inbox inbox) {
    }

    /** The orchestrator's own account of its inbox records over a level (its /q/metrics histograms). */
    record Inbox(long records, long waitP50, long waitP95, long handlingP50, long handlingP95) {

        static final String WAIT = "cutover_orchestrator_inbox_wait_seconds";
        static final String HANDLING = "cutover_orchestrator_inbox_handling_seconds";

        static Inbox between(PrometheusHistogram[] before, PrometheusHistogram[] after) {
            return new Inbox(after[1].countSince(before[1]), after[0].quantileMillisSince(before[0], 0.5),
                    after[0].quantileMillisSince(before[0], 0.95), after[1].quantileMillisSince(before[1], 0.5),
                    after[1].quantileMillisSince(before[1], 0.95));
        }
    }

    private static PrometheusHistogram[] inbox(LocalStack stack) {
        java.net.URI orchestrator = stack.serviceUrl("orchestrator-service");
        return new PrometheusHistogram[] {PrometheusHistogram.scrape(orchestrator, Inbox.WAIT),
                PrometheusHistogram.scrape(orchestrator, Inbox.HANDLING)};
    }

    @Override
    public Integer call() throws Exception {
        Path root = checkout.path();
        Path work = root.resolve(".cutover-bench").resolve("scale");
        DemoMain.say("scale benchmark: levels " + levels + ", " + strategy + "; logs in " + work.resolve("logs"));
        // a benchmark of decisions, not of the API's per-client rate limit: the bench is one client submitting many
        Map<String, Map<String, String>> properties = Map.of("orchestrator-service", Map.of(
                "cutover.orchestrator.rate-limit.requests-per-second", "1000",
                "cutover.orchestrator.rate-limit.burst", "1000"));
        List<Level> results = new ArrayList<>();
        try (LocalStack stack = LocalStack.start(new LocalStack.Settings(root, work, 0, Map.of(), properties),
                DemoMain::say);
             Recorder recorder = new Recorder(stack.bootstrapServers())) {
            Path python = root.resolve("deploy/sample-app/target/sample-app-python.tar.gz");
            if (artifact == null && java.nio.file.Files.isRegularFile(python)) {
                artifact = python.toUri().toString();
                if (appCommand == null) {
                    // a pyenv shim on PATH can take seconds to start under load; the system's python3 starts at once
                    String interpreter = java.nio.file.Files.isExecutable(Path.of("/usr/bin/python3"))
                            ? "/usr/bin/python3" : "python3";
                    appCommand = interpreter + " app.py --port {port}";
                }
            }
            String uri = artifact != null ? artifact : stack.sampleAppJar().toUri().toString();
            DemoMain.say("artifact " + uri + (appCommand == null ? "" : ", app.command " + appCommand));
            CutoverClient client = stack.client("orchestrator-service");
            ExecutorService submit = Executors.newFixedThreadPool(8);
            try {
                for (int k = 0; k < levels.size(); k++) {
                    results.add(runLevel(stack, client, recorder, submit, levels.get(k), "1." + (k + 1) + ".0", uri));
                    printTable(results);
                }
            } finally {
                submit.shutdownNow();
            }
        }
        printTable(results);
        return 0;
    }

    private Level runLevel(LocalStack stack, CutoverClient client, Recorder recorder, ExecutorService submit, int n,
                           String version, String uri) throws Exception {
        DemoMain.say(String.format("level %d: deploying %s to %d applications at once ...", n, version, n));
        PrometheusHistogram[] inboxBefore = inbox(stack);
        long t0 = System.nanoTime();
        List<Future<String>> accepted = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String application = String.format("scale-%03d", i);
            accepted.add(submit.submit(() -> deploy(client, application, version, uri)));
        }
        Set<String> ids = new HashSet<>();
        for (Future<String> f : accepted) {
            String id = f.get();
            if (id != null) {
                ids.add(id);
            }
        }
        DemoMain.say(String.format("  %d accepted in %.1f s", ids.size(), secondsSince(t0)));
        Map<String, String> status = new HashMap<>();
        long maxRss = 0;
        long deadline = t0 + Duration.ofSeconds(levelTimeoutSeconds).toNanos();
        long lastSay = 0;
        while (true) {
            for (JsonNode view : client.get("/deployments?environment=development").body()) {
                String id = view.path("id").asText();
                if (ids.contains(id)) {
                    status.put(id, view.path("status").asText());
                }
            }
            maxRss = Math.max(maxRss, stack.totalRssKib());
            long terminal = status.values().stream().filter(CutoverClient.TERMINAL::contains).count();
            boolean done = terminal == ids.size();
            if (done || System.nanoTime() - lastSay > Duration.ofSeconds(5).toNanos()) {
                lastSay = System.nanoTime();
                DemoMain.say(String.format("  level %d, %.0f s: %d/%d terminal %s; %d decisions seen; stack RSS %d MiB; "
                                + "load %s", n, secondsSince(t0), terminal, ids.size(), counts(status), decisions(recorder, ids).size(),
                        maxRss / 1024, String.join(" ", StateRebuildBench.loadAverage())));
            }
            if (done) {
                break;
            }
            if (System.nanoTime() > deadline) {
                DemoMain.say("  level " + n + ": not all terminal after " + levelTimeoutSeconds + " s; measuring what ended");
                break;
            }
            ChildProcess.pause(2000);
        }
        double wall = secondsSince(t0);
        ChildProcess.pause(2000); // the last commands (cleanup) reach the recorder
        List<Long> latencies = decisions(recorder, ids);
        latencies.sort(null);
        Inbox inbox = Inbox.between(inboxBefore, inbox(stack));
        int resends = recorder.resends(ids);
        return new Level(n, ids.size(), counts(status), wall, latencies.size(), resends, percentile(latencies, 50),
                percentile(latencies, 95), percentile(latencies, 99),
                latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1), maxRss,
                String.join(" ", StateRebuildBench.loadAverage()), inbox);
    }

    private String deploy(CutoverClient client, String application, String version, String uri) {
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (explicitRouterPorts) {
            overrides.put("router", Map.of("port", LocalStack.freePort()));
        }
        overrides.put("health", Map.of("monitor-window-ms", monitorWindowMs));
        if (appCommand != null) {
            overrides.put("app", Map.of("command", appCommand));
        }
        overrides.put("canary", Map.of("steps", List.of(50, 100)));
        overrides.put("analysis", Map.of("warmup-ms", 1000, "window-ms", 4000, "probe-interval-ms", 500,
                "min-samples", 1, "insufficient-data-policy", "pass"));
        for (int attempt = 0; attempt < 20; attempt++) {
            CutoverClient.Response r;
            try {
                r = client.deploy(CutoverClient.deploymentRequest(application, "development", version, uri, strategy,
                        overrides));
            } catch (IllegalStateException timedOut) {
                // a loaded machine: the answer may be late while the request was taken; it is found below if so
                ChildProcess.pause(1000);
                continue;
            }
            if (r.status() == 202) {
                return r.body().path("id").asText();
            }
            if (r.status() == 409) {
                // an earlier attempt that timed out was accepted: that deployment of this version is ours
                for (JsonNode view : client.get("/deployments?application=" + application).body()) {
                    if (version.equals(view.path("version").asText())) {
                        return view.path("id").asText();
                    }
                }
            }
            if (r.status() != 429 && r.status() != 503) {
                DemoMain.say("  " + application + " refused: " + r.status() + " " + r.body());
                return null;
            }
            ChildProcess.pause(500);
        }
        DemoMain.say("  " + application + " refused 20 times (429/503)");
        return null;
    }

    private static Map<String, Integer> counts(Map<String, String> status) {
        Map<String, Integer> c = new TreeMap<>();
        status.values().forEach(s -> c.merge(s, 1, Integer::sum));
        return c;
    }

    /** Event -> next command latencies (ms) of these deployments' commands, first sends only. */
    private static List<Long> decisions(Recorder recorder, Set<String> ids) {
        List<Long> out = new ArrayList<>();
        for (Seen command : recorder.firstCommands()) {
            if (command.deploymentId() == null || !ids.contains(command.deploymentId()) || command.causationId() == null) {
                continue;
            }
            Seen event = recorder.event(command.causationId());
            if (event != null) {
                out.add(command.timestamp() - event.timestamp());
            }
        }
        return out;
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private void printTable(List<Level> results) {
        DemoMain.say("");
        DemoMain.say("Scale: concurrent " + strategy + " deployments, one target each; decision = agent event on its "
                + "topic -> the orchestrator's next command (Kafka timestamps)");
        String header = String.format("| %11s | %-28s | %8s | %9s | %7s | %7s | %7s | %7s | %7s | %9s | %-15s "
                        + "| %7s | %13s | %13s |",
                "concurrent", "finished", "wall s", "decisions", "resends", "p50 ms", "p95 ms", "p99 ms", "max ms",
                "stack RSS", "load 1/5/15", "inbox", "wait p50/p95", "in p50/p95");
        DemoMain.say(header);
        DemoMain.say(header.replaceAll("[^|]", "-"));
        for (Level l : results) {
            DemoMain.say(String.format("| %11d | %-28s | %8.1f | %9d | %7d | %7d | %7d | %7d | %7d | %5d MiB | %-15s "
                            + "| %7d | %13s | %13s |",
                    l.concurrency(), finished(l), l.wallSeconds(), l.decisions(), l.resends(), l.p50(), l.p95(),
                    l.p99(), l.max(), l.maxRssKib() / 1024, l.load(), l.inbox().records(),
                    l.inbox().waitP50() + "/" + l.inbox().waitP95(), l.inbox().handlingP50() + "/"
                            + l.inbox().handlingP95()));
        }
        DemoMain.say("inbox: records the orchestrator handled in the level (requests and agent events); wait: from "
                + "a record's producer timestamp to its handling start (broker, fetch, records ahead of it); in: its "
                + "handling (lock, decision, acked snapshot write, acked command publish); ms, from the "
                + "orchestrator's histograms");
        DemoMain.say("");
    }

    private static String finished(Level l) {
        StringBuilder s = new StringBuilder();
        l.statuses().forEach((status, count) -> s.append(s.length() == 0 ? "" : " ").append(count).append(' ')
                .append(status.length() > 9 ? status.substring(0, 9) : status));
        return s.toString();
    }

    /** Reads every event and command topic as it grows (its own consumer group, from the beginning). */
    static final class Recorder implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final Thread thread;
        private volatile boolean running = true;
        private final Map<String, Seen> events = new ConcurrentHashMap<>();
        private final Map<String, Seen> firstCommands = new ConcurrentHashMap<>();
        private final Map<String, Integer> sends = new ConcurrentHashMap<>();

        Recorder(String bootstrap) {
            Map<String, Object> c = new HashMap<>();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "cutover-scale-bench-" + UUID.randomUUID());
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            // new topics (created as the first deployment uses them) are picked up within this
            c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 2000);
            c.put(ConsumerConfig.CLIENT_ID_CONFIG, "cutover-scale-bench-recorder");
            consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(ALL_TOPICS);
            thread = new Thread(this::run, "scale-bench-recorder");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        Seen seen = seen(r);
                        if (seen == null) {
                            continue;
                        }
                        if (seen.command()) {
                            firstCommands.putIfAbsent(seen.messageId(), seen);
                            sends.merge(seen.messageId(), 1, Integer::sum);
                        } else {
                            events.putIfAbsent(seen.messageId(), seen);
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close(Duration.ofSeconds(2));
            }
        }

        private static Seen seen(ConsumerRecord<String, byte[]> r) {
            if (r.value() == null) {
                return null;
            }
            try {
                JsonNode meta = JSON.readTree(r.value()).path("meta");
                String messageId = meta.path("messageId").asText(null);
                if (messageId == null) {
                    return null;
                }
                Header type = r.headers().lastHeader("ce_type");
                return new Seen(r.topic(), type == null ? "?" : new String(type.value(), StandardCharsets.UTF_8),
                        messageId, meta.path("causationId").asText(null), meta.path("deploymentId").asText(null),
                        r.timestamp());
            } catch (Exception e) {
                return null;
            }
        }

        List<Seen> firstCommands() {
            return new ArrayList<>(firstCommands.values());
        }

        Seen event(String messageId) {
            return events.get(messageId);
        }

        int resends(Set<String> ids) {
            int n = 0;
            for (Seen c : firstCommands.values()) {
                if (c.deploymentId() != null && ids.contains(c.deploymentId())) {
                    n += sends.getOrDefault(c.messageId(), 1) - 1;
                }
            }
            return n;
        }

        @Override
        public void close() {
            running = false;
            consumer.wakeup();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
