package dev.cutover.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark: how long the orchestrator takes to rebuild its state from the compacted state topic holding many
 * snapshots, measured as a user feels it: from the orchestrator process's start to its readiness (the state is
 * loaded), next to the store's own "loaded N deployments ... in M ms" log line.
 * <p>
 * The snapshots are the orchestrator's own: a few real deployments (blue-green, canary, rolling) run first on the
 * real local stack, their final snapshots are read back from the state topic and copied with fresh deployment ids
 * and application names (spread over {@code --applications} targets) until the topic holds {@code --records} records.
 * Every copy is terminal (history), so the restarted orchestrator resumes nothing.
 */
@Command(name = "state-rebuild-bench", mixinStandardHelpOptions = true,
        description = "Measures the orchestrator's state rebuild from N state records, on the real local stack.")
public final class StateRebuildBench implements Callable<Integer> {

    static final String STATE_TOPIC = "cutover.orchestrator.deployments";
    private static final String ORCHESTRATOR = "orchestrator-service";
    private static final Pattern LOADED =
            Pattern.compile("loaded (\\d+) deployments \\((\\d+) unfinished\\) from (\\d+) records of \\S+ in (\\d+) ms, "
                    + "(\\d+) snapshots decoded");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--records", description = "State records on the topic when it is rebuilt (default: ${DEFAULT-VALUE}).")
    int records = 100_000;

    @Option(names = "--snapshots-per-deployment",
            description = "Records per deployment id (1: every record its own deployment, the largest state; "
                    + "more: the history of each, as before compaction) (default: ${DEFAULT-VALUE}).")
    int perDeployment = 1;

    @Option(names = "--applications", description = "Distinct applications the copies spread over (default: ${DEFAULT-VALUE}).")
    int applications = 2000;

    @Option(names = "--goal-seconds", description = "The goal for process start -> ready (default: ${DEFAULT-VALUE}).")
    double goalSeconds = 10;

    @Option(names = "--orchestrator-heap", description = "The orchestrator's -Xmx: it holds unfinished deployments in "
            + "full and finished ones as summaries (default: ${DEFAULT-VALUE}, the local stack's own).")
    String orchestratorHeap = "256m";

    @Mixin
    CheckoutRoot checkout;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StateRebuildBench()).execute(args));
    }

    /** One restart of the orchestrator against the topic as it is. */
    record Rebuild(String label, long records, long bytes, long deployments, long decoded, double readySeconds,
                   long loadMillis, double cpuSeconds, long rssKib, boolean spotCheck, long lookupMillis) {
    }

    @Override
    public Integer call() throws Exception {
        Path root = checkout.path();
        Path work = root.resolve(".cutover-bench").resolve("rebuild");
        DemoMain.say("state-rebuild benchmark: " + records + " state records, " + perDeployment
                + " per deployment, over " + applications + " applications, orchestrator -Xmx" + orchestratorHeap
                + "; logs in " + work.resolve("logs"));
        List<Rebuild> results = new ArrayList<>();
        try (LocalStack stack = LocalStack.start(new LocalStack.Settings(root, work, 0, Map.of())
                .withJvmOptions(ORCHESTRATOR, List.of("-Xmx" + orchestratorHeap)), DemoMain::say)) {
            templateDeployments(stack);
            stack.stop(ORCHESTRATOR, 1);
            Map<String, ConsumerRecord<String, byte[]>> templates = terminalSnapshots(stack.bootstrapServers());
            if (templates.isEmpty()) {
                throw new IllegalStateException("no terminal snapshot on " + STATE_TOPIC + " to copy");
            }
            templates.forEach((id, r) -> DemoMain.say(String.format("template snapshot %s: %s %s, %d bytes, %d headers",
                    id, field(r.value(), "strategy"), field(r.value(), "status"), r.value().length,
                    r.headers().toArray().length)));
            results.add(rebuild(stack, "as the templates left it", null));
            stack.stop(ORCHESTRATOR, 1);

            fill(stack.bootstrapServers(), templates);
            Rebuild full = rebuild(stack, records + " records", templates.keySet().iterator().next());
            results.add(full);
        }
        printTable(results);
        return 0;
    }

    /** A few real deployments, so the copies are the orchestrator's own snapshots, of each strategy. */
    private static void templateDeployments(LocalStack stack) {
        CutoverClient client = stack.client(ORCHESTRATOR);
        String artifact = stack.sampleAppJar().toUri().toString();
        Map<String, String> ids = new LinkedHashMap<>();
        for (String strategy : List.of("blue-green", "canary", "rolling")) {
            Map<String, Object> overrides = new LinkedHashMap<>();
            overrides.put("router", Map.of("port", LocalStack.freePort()));
            overrides.put("health", Map.of("monitor-window-ms", 2000));
            overrides.put("canary", Map.of("steps", List.of(50, 100)));
            overrides.put("analysis", Map.of("warmup-ms", 1000, "window-ms", 4000, "probe-interval-ms", 500,
                    "min-samples", 1, "insufficient-data-policy", "pass"));
            CutoverClient.Response r = client.deploy(CutoverClient.deploymentRequest("rebuild-template-" + strategy,
                    "development", "1.0.0", artifact, strategy, overrides));
            if (r.status() != 202) {
                DemoMain.say("template " + strategy + " refused: " + r.status() + " " + r.body());
                continue;
            }
            ids.put(strategy, r.body().path("id").asText());
        }
        ids.forEach((strategy, id) -> {
            try {
                JsonNode done = client.awaitTerminal(id, Duration.ofMinutes(3));
                DemoMain.say("template " + strategy + " deployment " + id + ": " + done.path("status").asText());
            } catch (IllegalStateException e) {
                DemoMain.say("template " + strategy + " not terminal (its snapshot is not copied): " + e.getMessage());
            }
        });
    }

    /** The latest snapshot record of every terminal deployment on the state topic (value and headers). */
    static Map<String, ConsumerRecord<String, byte[]>> terminalSnapshots(String bootstrap) {
        Map<String, ConsumerRecord<String, byte[]>> latest = new LinkedHashMap<>();
        readTopic(bootstrap, STATE_TOPIC, r -> {
            if (r.value() == null) {
                latest.remove(r.key());
            } else {
                latest.put(r.key(), r);
            }
        });
        latest.values().removeIf(r -> !CutoverClient.TERMINAL.contains(field(r.value(), "status")));
        return latest;
    }

    private static String field(byte[] json, String name) {
        try {
            return JSON.readTree(json).path(name).asText();
        } catch (IOException e) {
            return "?";
        }
    }

    /** Copies the templates onto the state topic until it holds {@code records} records. */
    private void fill(String bootstrap, Map<String, ConsumerRecord<String, byte[]>> templates) throws Exception {
        long already = topicSize(bootstrap)[0];
        long toWrite = Math.max(0, records - already);
        DemoMain.say(String.format("writing %d snapshot copies to %s (it holds %d records) ...", toWrite, STATE_TOPIC,
                already));
        List<Map.Entry<String, String>> sources = new ArrayList<>();
        List<Header[]> headers = new ArrayList<>();
        List<String> sourceApplications = new ArrayList<>();
        templates.forEach((id, r) -> {
            String json = new String(r.value(), StandardCharsets.UTF_8);
            sources.add(Map.entry(id, json));
            headers.add(r.headers().toArray());
            sourceApplications.add(templateApplication(json));
        });
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "cutover-state-rebuild-bench");
        long t0 = System.nanoTime();
        AtomicLong acked = new AtomicLong();
        CompletableFuture<Void> failed = new CompletableFuture<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            String id = null;
            for (long i = 0; i < toWrite; i++) {
                if (i % perDeployment == 0) {
                    id = UUID.randomUUID().toString();
                }
                int t = (int) (i % sources.size());
                Map.Entry<String, String> template = sources.get(t);
                String application = String.format("rebuild-%04d", (i / perDeployment) % applications);
                String templateApplication = sourceApplications.get(t);
                String json = template.getValue().replace(template.getKey(), id)
                        .replace(templateApplication, application);
                // the orchestrator's own headers (status, target, ...), with the copy's application
                List<Header> copied = new ArrayList<>();
                for (Header h : headers.get(t)) {
                    copied.add(new RecordHeader(h.key(), new String(h.value(), StandardCharsets.UTF_8)
                            .replace(templateApplication, application).getBytes(StandardCharsets.UTF_8)));
                }
                producer.send(new ProducerRecord<>(STATE_TOPIC, null, id, json.getBytes(StandardCharsets.UTF_8),
                                copied),
                        (metadata, e) -> {
                            if (e != null) {
                                failed.completeExceptionally(e);
                            } else {
                                acked.incrementAndGet();
                            }
                        });
                if ((i + 1) % 10_000 == 0) {
                    DemoMain.say(String.format("  %d / %d written (%.1f s)", i + 1, toWrite, secondsSince(t0)));
                }
                if (failed.isCompletedExceptionally()) {
                    failed.join();
                }
            }
            producer.flush();
        }
        if (failed.isCompletedExceptionally()) {
            failed.join();
        }
        DemoMain.say(String.format("  %d copies acknowledged in %.1f s", acked.get(), secondsSince(t0)));
    }

    private static String templateApplication(String json) {
        try {
            return JSON.readTree(json).path("target").path("application").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the (stopped) orchestrator and measures it up to ready. */
    private Rebuild rebuild(LocalStack stack, String label, String spotId) throws Exception {
        long[] size = topicSize(stack.bootstrapServers());
        Path log = stack.logs().resolve(ORCHESTRATOR + ".log");
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        DemoMain.say(String.format("starting the orchestrator against %d state records (%.1f MiB) ...", size[0],
                size[1] / 1048576.0));
        long t0 = System.nanoTime();
        try {
            stack.restart(ORCHESTRATOR, 1);
        } catch (IllegalStateException notYet) {
            // the stack waits a fixed time for readiness; a slow rebuild may take longer: go on waiting here
            DemoMain.say("  not ready yet (" + firstLine(notYet.getMessage()) + "); waiting on");
            awaitReady(stack.serviceUrl(ORCHESTRATOR).resolve("/q/health/ready"), Duration.ofMinutes(5));
        }
        double ready = secondsSince(t0);
        long pid = stack.pid(ORCHESTRATOR, 1);
        long rss = LocalStack.rssKib(pid);
        double cpu = cpuSeconds(pid);
        String text = Files.readString(log).substring((int) Math.min(logStart, Files.size(log)));
        Matcher m = LOADED.matcher(text);
        long deployments = -1;
        long loadMillis = -1;
        long decoded = -1;
        while (m.find()) {
            deployments = Long.parseLong(m.group(1));
            loadMillis = Long.parseLong(m.group(4));
            decoded = Long.parseLong(m.group(5));
        }
        // a finished deployment is read back from the topic on its first lookup: how long that takes
        long l0 = System.nanoTime();
        boolean spot = spotId == null || stack.client(ORCHESTRATOR).deployment(spotId) != null;
        long lookup = spotId == null ? -1 : (System.nanoTime() - l0) / 1_000_000;
        Rebuild r = new Rebuild(label, size[0], size[1], deployments, decoded, ready, loadMillis, cpu, rss, spot,
                lookup);
        DemoMain.say(String.format("  ready in %.1f s (%.1f s of CPU); store: %d deployments loaded in %d ms, %d "
                        + "snapshots decoded; RSS %d MiB", ready, cpu, deployments, loadMillis, decoded, rss / 1024));
        return r;
    }

    /**
     * The CPU time (user + system, all threads) a process used so far, from /proc: what start-up cost on a machine
     * as loaded as this one is shared with others, this is not.
     */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks (USER_HZ 100)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void awaitReady(URI url, Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            ChildProcess.pause(100);
        }
        throw new IllegalStateException(url + " not ready within " + timeout);
    }

    /** {records, bytes of keys and values} on the state topic now. */
    private static long[] topicSize(String bootstrap) {
        long[] size = new long[2];
        readTopic(bootstrap, STATE_TOPIC, r -> {
            size[0]++;
            size[1] += (r.key() == null ? 0 : r.key().length()) + (r.value() == null ? 0 : r.value().length);
        });
        return size;
    }

    /** Reads a whole topic from the beginning to its current end with a plain consumer (no group). */
    static void readTopic(String bootstrap, String topic, java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "cutover-bench-reader");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(15));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + " not read to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(sink);
            }
        }
    }

    private void printTable(List<Rebuild> results) {
        String[] load = loadAverage();
        DemoMain.say("");
        DemoMain.say("State rebuild (orchestrator process start -> ready; goal <= " + goalSeconds + " s), load average "
                + String.join(" ", load));
        String header = String.format("| %-26s | %8s | %9s | %11s | %8s | %12s | %9s | %12s | %12s | %12s | %14s |",
                "run", "records", "MiB", "deployments", "decoded", "start->ready", "CPU used", "store load",
                "records/s", "RSS after", "first lookup");
        DemoMain.say(header);
        DemoMain.say(header.replaceAll("[^|]", "-"));
        for (Rebuild r : results) {
            double perSecond = r.loadMillis() > 0 ? r.records() * 1000.0 / r.loadMillis() : 0;
            String lookup = !r.spotCheck() ? "MISSING" : r.lookupMillis() < 0 ? "-" : r.lookupMillis() + " ms";
            DemoMain.say(String.format("| %-26s | %8d | %9.1f | %11d | %8d | %10.1f s | %7.1f s | %9d ms | %12.0f | %8d MiB | %14s |",
                    r.label(), r.records(), r.bytes() / 1048576.0, r.deployments(), r.decoded(), r.readySeconds(),
                    r.cpuSeconds(), r.loadMillis(), perSecond, r.rssKib() / 1024, lookup));
        }
        Rebuild last = results.get(results.size() - 1);
        DemoMain.say(String.format("RESULT state rebuild from %d records: ready %.1f s after process start (goal %.0f s: %s), "
                        + "store load %d ms", last.records(), last.readySeconds(), goalSeconds,
                last.readySeconds() <= goalSeconds ? "met" : "missed", last.loadMillis()));
    }

    static String[] loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new String[] {f[0], f[1], f[2]};
        } catch (IOException | RuntimeException e) {
            return new String[] {"?"};
        }
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
