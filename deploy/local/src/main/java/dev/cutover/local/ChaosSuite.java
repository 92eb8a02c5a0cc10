package dev.cutover.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.events.Message;
import dev.cutover.events.MessageCodec;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.RollbackEvent.RollbackStarted;
import dev.cutover.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The chaos suite: under steady user traffic through the router, a deployment (blue-green, canary or rolling) has one
 * process SIGKILLed at a chosen moment, started again after a random (seeded) delay, and is then checked: it reached
 * a terminal state, the router serves what that state says (SUCCEEDED: only the new version; ROLLED_BACK or FAILED:
 * only the old one), no process of the stack is unknown to the provisioner and no slot runs twice, no side effect
 * happened twice (one SlotProvisioned instance per slot, at most one RollbackStarted per deployment), and no user
 * request failed. One stack serves every run; each strategy has its own application and router.
 */
public final class ChaosSuite {

    /** The processes a run may kill: the five services, and the broker (restarted with its data). */
    public static final String BROKER = "kafka-broker";

    public static final List<String> STRATEGIES = List.of("blue-green", "canary", "rolling");

    /** When the victim is killed, as the deployment's view shows it. */
    public enum Moment {
        /** Right after the 202. */
        ACCEPTED,
        /** While its slot is provisioned (PROVISIONING, or VERIFYING if that was missed). */
        PROVISION,
        /** While traffic moves: SWITCHING / PROGRESSING (the provisioner changing router weights), MONITORING. */
        SHIFT,
        /** The new version breaks (under traffic; rolling: at its first replacement's check); killed while ROLLING_BACK. */
        ROLLBACK
    }

    public record Case(String strategy, String victim, Moment moment) {
        @Override
        public String toString() {
            return strategy + " x " + victim + " @ " + moment.name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One run's outcome. {@code status}: the terminal status (or the last one seen); {@code expected}: the status a
     * correct system ends in; {@code consistent}: the router serves what {@code status} says; {@code orphans}:
     * processes nobody knows of plus slots running twice; {@code duplicates}: side effects seen twice.
     */
    public record Result(Case run, String deploymentId, String status, String expected, boolean terminal,
                         boolean consistent, int orphans, int duplicates, long failedRequests, String killedAt,
                         long restartDelayMs, long seconds, String note) {

        public boolean asExpected() {
            return expected.equals(status);
        }

        /** Everything right. */
        public boolean passed() {
            return terminal && consistent && asExpected() && orphans == 0 && duplicates == 0 && failedRequests == 0;
        }

        public String line() {
            return String.format(Locale.ROOT, "%-44s %-11s %s killed at %-12s delay %4d ms, %3d s, consistent %s,"
                            + " orphans %d, duplicates %d, failed requests %d%s",
                    run, status, passed() ? "PASS" : "FAIL", killedAt, restartDelayMs, seconds, consistent, orphans,
                    duplicates, failedRequests, note.isEmpty() ? "" : " (" + note + ")");
        }
    }

    private static final Duration DEPLOYMENT = Duration.ofMinutes(3);

    private final LocalStack stack;
    private final Random random;
    private final Consumer<String> progress;
    private final int rate;
    private final Map<String, App> apps = new HashMap<>();
    private int serial;

    /** One application per strategy, on its own router, with the version it serves now. */
    private final class App {
        final String name;
        final int routerPort = LocalStack.freePort();
        String stable;

        App(String name) {
            this.name = name;
        }

        URI router() {
            return URI.create("http://127.0.0.1:" + routerPort + "/");
        }
    }

    public ChaosSuite(LocalStack stack, long seed, int requestsPerSecond, Consumer<String> progress) {
        this.stack = stack;
        this.random = new Random(seed);
        this.rate = requestsPerSecond;
        this.progress = progress;
    }

    /**
     * 3 strategies x 5 services x 4 moments, plus a broker restart mid-rollout of each strategy (first). Ordered so
     * that any prefix covers every strategy and service: moment, then service, then strategy.
     */
    public static List<Case> fullPlan() {
        List<Case> plan = new ArrayList<>();
        for (String strategy : STRATEGIES) {
            plan.add(new Case(strategy, BROKER, Moment.SHIFT));
        }
        for (Moment moment : List.of(Moment.SHIFT, Moment.ROLLBACK, Moment.PROVISION, Moment.ACCEPTED)) {
            for (String service : LocalStack.SERVICES) {
                for (String strategy : STRATEGIES) {
                    plan.add(new Case(strategy, service, moment));
                }
            }
        }
        return plan;
    }

    public List<Result> run(List<Case> plan) {
        List<Result> results = new ArrayList<>();
        int i = 0;
        for (Case c : plan) {
            i++;
            progress.accept(String.format("[%d/%d] %s ...", i, plan.size(), c));
            Result r = runOne(c);
            results.add(r);
            progress.accept(String.format("[%d/%d] %s", i, plan.size(), r.line()));
            if (i % 10 == 0 && i < plan.size()) {
                progress.accept("table so far:\n" + table(results));
            }
        }
        return results;
    }

    /** The deployment settings of a strategy: short windows, so a run takes seconds. */
    static Map<String, Object> settings(String strategy) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("health", Map.of("monitor-window-ms", 3000));
        s.put("analysis", Map.of("warmup-ms", 1000, "window-ms", 3000, "probe-interval-ms", 500, "min-samples", 10,
                "max-extensions", 1, "extension-ms", 1500, "insufficient-data-policy", "pass"));
        if (strategy.equals("canary")) {
            s.put("canary", Map.of("steps", List.of(25, 100)));
        }
        if (strategy.equals("rolling")) {
            s.put("infrastructure", Map.of("instance-count", 2));
        }
        return s;
    }

    private App app(String strategy) {
        App app = apps.get(strategy);
        if (app == null) {
            app = new App("chaos-" + strategy + (serial == 0 ? "" : "-" + serial));
            apps.put(strategy, app);
            progress.accept("  " + app.name + ": stable 1.0.0 on router port " + app.routerPort);
            String id = deploy(app, strategy, "1.0.0", false);
            JsonNode done = orchestrator().awaitTerminal(id, DEPLOYMENT);
            if (!"SUCCEEDED".equals(done.path("status").asText())) {
                throw new IllegalStateException("the stable version of " + app.name + " did not deploy: " + done);
            }
            app.stable = "1.0.0";
        }
        return app;
    }

    private CutoverClient orchestrator() {
        return stack.client("orchestrator-service");
    }

    private String deploy(App app, String strategy, String version, boolean breaks) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("CHAOS_APP", app.name);
        if (breaks && "rolling".equals(strategy)) {
            // a rolling replacement is checked before it takes traffic, not watched under it: a version unhealthy
            // from the start fails the first replacement's check, and rolling restores the released old instance
            // and rolls back (ROLLING_BACK, stages restore then rollback)
            env.put("SAMPLE_FAIL_HEALTH", "true");
        } else if (breaks) {
            // healthy until users reach it: verification passes, then it fails under traffic and is rolled back
            env.put("SAMPLE_FAIL_HEALTH_AFTER_REQUESTS", "15");
        }
        Map<String, Object> overrides = settings(strategy);
        overrides.put("router", Map.of("port", app.routerPort));
        overrides.put("app", Map.of("env", env));
        Map<String, Object> request = CutoverClient.deploymentRequest(app.name, "development", version,
                stack.sampleAppJar().toUri().toString(), strategy, overrides);
        request.put("sha256", stack.sampleAppSha256());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            CutoverClient.Response response;
            try {
                response = orchestrator().deploy(request);
            } catch (IllegalStateException unreachable) {
                response = null;
            }
            if (response != null && response.status() == 202) {
                return response.body().path("id").asText();
            }
            if (response != null && response.status() == 409) {
                // an earlier attempt got through but its answer was lost (a timeout under load): that one
                String earlier = activeDeployment(app.name, version);
                if (earlier != null) {
                    return earlier;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("deployment of " + app.name + " " + version + " not accepted: "
                        + (response == null ? "orchestrator unreachable" : response.status() + " " + response.body()));
            }
            ChildProcess.pause(500);
        }
    }

    /** The id of the unfinished deployment of {@code version} of {@code application}, if there is one. */
    private String activeDeployment(String application, String version) {
        try {
            JsonNode list = orchestrator().get("/deployments?application=" + application).body();
            JsonNode items = list != null && list.has("items") ? list.path("items") : list;
            if (items != null) {
                for (JsonNode d : items) {
                    if (version.equals(d.path("version").asText())
                            && !CutoverClient.TERMINAL.contains(d.path("status").asText())) {
                        return d.path("id").asText();
                    }
                }
            }
        } catch (RuntimeException e) {
            // unreachable: asked again on the next attempt
        }
        return null;
    }

    private Result runOne(Case c) {
        long t0 = System.nanoTime();
        String version = "2." + (++serial) + ".0";
        boolean breaks = c.moment() == Moment.ROLLBACK;
        String expected = breaks ? "ROLLED_BACK" : "SUCCEEDED";
        long delay = 1000 + random.nextInt(4000);
        List<String> notes = new ArrayList<>();
        App app;
        try {
            app = app(c.strategy());
        } catch (RuntimeException e) {
            apps.remove(c.strategy());
            return new Result(c, "?", "ERROR", expected, false, false, 0, 0, 0, "-", delay,
                    (System.nanoTime() - t0) / 1_000_000_000L, "no stable version: " + firstLine(e));
        }
        String old = app.stable;
        try (TrafficLoop traffic = TrafficLoop.start(app.router(), rate)) {
            String id = deploy(app, c.strategy(), version, breaks);
            String killedAt = awaitMoment(id, c.moment());
            kill(c.victim());
            ChildProcess.pause(delay);
            restart(c.victim());
            JsonNode view = awaitTerminal(id, DEPLOYMENT);
            String status = view == null ? "?" : view.path("status").asText();
            boolean terminal = view != null && CutoverClient.TERMINAL.contains(status);
            if (!terminal) {
                notes.add("not terminal after " + DEPLOYMENT.toSeconds() + " s");
            } else if (!status.equals(expected)) {
                notes.add(view.path("reason").asText(""));
            }
            String serving = status.equals("SUCCEEDED") ? version : old;
            boolean consistent = terminal && routerServesOnly(app, serving, traffic, notes);
            int orphans = orphans(app, notes);
            int duplicates = duplicates(id, notes);
            if (status.equals("SUCCEEDED")) {
                app.stable = version;
            }
            if (!terminal || (!status.equals("SUCCEEDED") && !status.equals("ROLLED_BACK"))) {
                // a broken target: later runs of this strategy get a fresh application
                apps.remove(c.strategy());
            }
            long failed = traffic.failed();
            if (failed > 0) {
                notes.add("user requests failed: " + traffic.failures().stream().limit(2).toList());
            }
            return new Result(c, id, status, expected, terminal, consistent, orphans, duplicates, failed, killedAt,
                    delay, (System.nanoTime() - t0) / 1_000_000_000L, String.join("; ", notes));
        } catch (RuntimeException e) {
            apps.remove(c.strategy());
            ensureRunning();
            return new Result(c, "?", "ERROR", expected, false, false, 0, 0, 0, "-", delay,
                    (System.nanoTime() - t0) / 1_000_000_000L, firstLine(e));
        }
    }

    private static String firstLine(RuntimeException e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }

    /** Rank of a status along the moments: kill once the deployment is at or past the wanted moment. */
    private static int rank(String status) {
        return switch (status) {
            case "PROVISIONING", "VERIFYING" -> 1;
            case "SWITCHING", "PROGRESSING", "MONITORING", "PAUSED", "AWAITING_APPROVAL", "CLEANING_UP" -> 2;
            case "ROLLING_BACK" -> 3;
            default -> CutoverClient.TERMINAL.contains(status) ? 4 : 0;
        };
    }

    /** Waits until the deployment is at {@code moment}; returns the status it was killed in. */
    private String awaitMoment(String id, Moment moment) {
        if (moment == Moment.ACCEPTED) {
            return "ACCEPTED";
        }
        int wanted = moment.ordinal();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String status = "?";
        while (System.nanoTime() < deadline) {
            JsonNode view = view(id);
            if (view != null) {
                status = view.path("status").asText();
                if (rank(status) >= wanted) {
                    return rank(status) == 4 ? "(" + status + ")" : status;
                }
            }
            ChildProcess.pause(20);
        }
        return "(" + status + ")";
    }

    private JsonNode view(String id) {
        try {
            return orchestrator().deployment(id);
        } catch (IllegalStateException unreachable) {
            return null;
        }
    }

    private JsonNode awaitTerminal(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            JsonNode view = view(id);
            if (view != null) {
                last = view;
                if (CutoverClient.TERMINAL.contains(view.path("status").asText())) {
                    return view;
                }
            }
            ChildProcess.pause(200);
        }
        return last;
    }

    private void kill(String victim) {
        if (victim.equals(BROKER)) {
            stack.killBroker();
        } else {
            stack.kill(victim);
        }
    }

    private void restart(String victim) {
        if (victim.equals(BROKER)) {
            stack.restartBroker();
        } else {
            stack.restart(victim);
        }
    }

    /** After a failed run: every process of the stack up again for the next. */
    private void ensureRunning() {
        try {
            if (!stack.brokerAlive()) {
                stack.restartBroker();
            }
            for (String service : LocalStack.SERVICES) {
                if (!stack.isAlive(service, 1)) {
                    stack.restart(service);
                }
            }
        } catch (RuntimeException e) {
            progress.accept("cannot restart the stack: " + e.getMessage());
        }
    }

    /**
     * The router's backends with weight carry only {@code version} (the router's own table), and every user request
     * after the state settled was answered by {@code version}.
     */
    private boolean routerServesOnly(App app, String version, TrafficLoop traffic, List<String> notes) {
        Map<String, String> versionOfSlot = slotVersions(app);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            JsonNode table = new CutoverClient(LocalStack.routerAdminUrl(app.routerPort)).get("/backends").body();
            Set<String> weighted = new HashSet<>();
            for (JsonNode b : table.path("backends")) {
                if (b.path("weight").asInt() > 0) {
                    String v = b.path("version").asText("");
                    weighted.add(v.isEmpty() ? versionOfSlot.getOrDefault(b.path("id").asText(), "?") : v);
                }
            }
            last = "router backends with weight: " + weighted;
            if (weighted.equals(Set.of(version))) {
                traffic.resetVersionCounts();
                long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (traffic.byVersion().values().stream().mapToLong(Long::longValue).sum() < 40
                        && System.nanoTime() < until) {
                    ChildProcess.pause(50);
                }
                Map<String, Long> answers = traffic.byVersion();
                if (answers.keySet().equals(Set.of(version))) {
                    return true;
                }
                last = "answers after the end by version: " + answers;
            }
            ChildProcess.pause(200);
            versionOfSlot = slotVersions(app);
        }
        notes.add("expected only " + version + ", " + last);
        return false;
    }

    private Map<String, String> slotVersions(App app) {
        Map<String, String> out = new HashMap<>();
        try {
            for (JsonNode target : stack.client("provisioner-service").get("/slots").body()) {
                if (app.name.equals(target.path("application").asText())) {
                    target.path("slots").forEach(s -> out.put(s.path("slot").asText(), s.path("version").asText()));
                }
            }
        } catch (RuntimeException e) {
            // provisioner unreachable: the router's own versions decide
        }
        return out;
    }

    /**
     * Processes of the stack the provisioner's book does not list, plus instances beyond one per slot member of this
     * application. Given 15 s to settle (old instances are stopped after the switch).
     */
    private int orphans(App app, List<String> notes) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String what = "";
        int count = 0;
        while (System.nanoTime() < deadline) {
            Set<Long> known = new HashSet<>();
            stack.dataPlane().forEach(p -> known.add(p.pid()));
            List<Long> unknown = new ArrayList<>();
            Map<String, Integer> perMember = new TreeMap<>();
            for (ProcessHandle p : stack.stackProcesses()) {
                if (!known.contains(p.pid())) {
                    unknown.add(p.pid());
                }
                Map<String, String> env = env(p.pid());
                if (app.name.equals(env.get("CHAOS_APP"))) {
                    perMember.merge(env.get("CUTOVER_SLOT") + "#" + env.getOrDefault("CUTOVER_INSTANCE", "1"), 1,
                            Integer::sum);
                }
            }
            int twice = perMember.values().stream().mapToInt(n -> n - 1).sum();
            count = unknown.size() + twice;
            what = "unknown pids " + unknown + ", instances per slot " + perMember;
            if (count == 0) {
                return 0;
            }
            ChildProcess.pause(500);
        }
        notes.add(what);
        return count;
    }

    private static Map<String, String> env(long pid) {
        Map<String, String> env = new HashMap<>();
        for (String var : LocalStack.environment(pid)) {
            int eq = var.indexOf('=');
            if (eq > 0) {
                env.put(var.substring(0, eq), var.substring(eq + 1));
            }
        }
        return env;
    }

    /** Side effects seen twice: a slot provisioned as two instances, a rollback started twice. */
    private int duplicates(String deploymentId, List<String> notes) {
        Map<String, Set<String>> instancesPerSlot = new TreeMap<>();
        int rollbacks = 0;
        for (Message m : readAll(stack.bootstrapServers(), Topics.PROVISIONER_EVENTS)) {
            if (m instanceof SlotProvisioned p && deploymentId.equals(p.meta().deploymentId())) {
                instancesPerSlot.computeIfAbsent(p.slot(), s -> new HashSet<>()).add(p.instanceId());
            }
        }
        for (Message m : readAll(stack.bootstrapServers(), Topics.ROLLBACK_EVENTS)) {
            if (m instanceof RollbackStarted r && deploymentId.equals(r.meta().deploymentId())) {
                rollbacks++;
            }
        }
        int extraInstances = instancesPerSlot.values().stream().mapToInt(s -> s.size() - 1).sum();
        int extraRollbacks = Math.max(0, rollbacks - 1);
        if (extraInstances + extraRollbacks > 0) {
            notes.add("instances per slot " + instancesPerSlot + ", RollbackStarted x" + rollbacks);
        }
        return extraInstances + extraRollbacks;
    }

    /** Every decodable message on {@code topic}, from the beginning to its end now. */
    public static List<Message> readAll(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<Message> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                return out;
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Header type = r.headers().lastHeader(MessageCodec.TYPE_HEADER);
                    if (type == null || r.value() == null) {
                        continue;
                    }
                    try {
                        out.add(MessageCodec.decode(new String(type.value(), StandardCharsets.UTF_8), r.value()));
                    } catch (RuntimeException undecodable) {
                        // a type this reader does not know, or a malformed record (dead-letter tests)
                    }
                }
            }
        }
        return out;
    }

    /** The table: per victim and per strategy, and all runs. */
    public static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        String header = String.format(Locale.ROOT, "%-26s %5s %8s %8s %10s %7s %10s %14s %6s%n", "", "runs",
                "terminal", "expected", "consistent", "orphans", "duplicates", "failed-requests", "passed");
        sb.append(header);
        Map<String, List<Result>> groups = new LinkedHashMap<>();
        for (Result r : results) {
            groups.computeIfAbsent("victim " + r.run().victim(), k -> new ArrayList<>()).add(r);
        }
        for (Result r : results) {
            groups.computeIfAbsent("strategy " + r.run().strategy(), k -> new ArrayList<>()).add(r);
        }
        for (Result r : results) {
            groups.computeIfAbsent("moment " + r.run().moment().name().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(r);
        }
        groups.put("ALL", results);
        groups.forEach((name, rs) -> sb.append(String.format(Locale.ROOT, "%-26s %5d %8d %8d %10d %7d %10d %14d %6d%n",
                name, rs.size(), rs.stream().filter(Result::terminal).count(),
                rs.stream().filter(Result::asExpected).count(), rs.stream().filter(Result::consistent).count(),
                rs.stream().mapToInt(Result::orphans).sum(), rs.stream().mapToInt(Result::duplicates).sum(),
                rs.stream().mapToLong(Result::failedRequests).sum(), rs.stream().filter(Result::passed).count())));
        return sb.toString();
    }
}
