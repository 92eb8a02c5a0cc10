package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cutover.events.Topics;
import dev.cutover.local.LocalStack;
import dev.cutover.local.TrafficLoop;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What ships in {@code deploy/observability} against the running stack. After a deployment, a canary rolled back,
 * a conflicting request and an unreadable record, every metric the Grafana dashboard and the Prometheus rules read
 * is exposed by a service or the router. promtool accepts the rules and the configuration and passes the rules'
 * unit tests; a real Prometheus, configured from the shipped file but pointed at this stack's ports, loads the
 * rules and answers every dashboard query with data. The Prometheus parts are skipped, saying so, without the
 * Debian {@code prometheus} package.
 */
class ObservabilityIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path DIR = Path.of(System.getProperty("cutover.root", "../..")).toAbsolutePath().normalize()
            .resolve("deploy/observability");
    static final Path DASHBOARD = DIR.resolve("grafana/cutover-dashboard.json");
    static final Path RULES = DIR.resolve("cutover-rules.yml");
    static final Path CONFIG = DIR.resolve("prometheus.yml");
    static final String ENVIRONMENT = "development";
    /** Series Prometheus writes itself for every target; nobody exposes them. */
    static final Set<String> SYNTHETIC = Set.of("up");

    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static Deployments d;
    static Process prometheus;
    static Path work;

    @BeforeAll
    static void deployRollBackAndMisbehave() {
        d = new Deployments("observed"); // starts the shared stack if no other test has
        long t0 = System.nanoTime();
        assertEquals("SUCCEEDED", d.run("1.0.0", "blue-green", CanaryIT.FAST).path("status").asText());
        long t1 = System.nanoTime();
        try (TrafficLoop traffic = TrafficLoop.start(d.router(), 100)) {
            String v2 = d.start("2.0.0", "canary", CanaryIT.fast(CanaryIT.appEnv("SAMPLE_ERROR_RATE", "0.2")));
            assertEquals(409, d.client.deploy(d.request("2.0.1", "blue-green", Map.of())).status(), "a second one meanwhile");
            JsonNode rolledBack = d.client.awaitTerminal(v2, Duration.ofMinutes(3));
            assertEquals("ROLLED_BACK", rolledBack.path("status").asText(), rolledBack::toString);
        }
        sendUnreadableRecord();
        System.out.printf("[figures] observability scenario: v1 blue-green %.1f s, canary rolled back (+ conflict, dead letter)"
                + " %.1f s%n", (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
    }

    @AfterAll
    static void stopPrometheus() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static String prometheusLog() {
        try {
            return "prometheus.log:\n" + Files.readString(work.resolve("prometheus.log"));
        } catch (IOException e) {
            return "no prometheus.log: " + e;
        }
    }

    /** A signed record without a ce_type header on the requests topic: the orchestrator dead-letters it. */
    static void sendUnreadableRecord() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, d.stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            byte[] value = "not an event".getBytes(StandardCharsets.UTF_8);
            // signed by the launcher's CI source, so that it is refused for what it says, not for who sent it
            producer.send(new ProducerRecord<>(Topics.DEPLOYMENT_REQUESTS, null, d.app + "/" + ENVIRONMENT, value,
                    Scenario.signed(d.stack, new org.apache.kafka.common.header.internals.RecordHeaders(), value)))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish the unreadable record", e);
        }
    }

    @Test
    void everyMetricTheDashboardAndTheRulesReadIsExposed() throws IOException {
        Map<String, Set<String>> readBy = referencedMetrics();
        Set<String> recorded = recordingRules();
        assertTrue(readBy.size() >= 25, "the PromQL parser finds too few metric names, it is probably broken: " + readBy);
        // meters registered on first use show once the scenario's last events are handled: wait for them, not a guess
        eventually(Duration.ofSeconds(10), () -> unexposed(readBy.keySet(), recorded, scrape()).isEmpty());
        Map<String, String> scraped = scrape();
        Path kept = Files.createDirectories(Path.of("target", "observability", "scraped"));
        for (var text : scraped.entrySet()) {
            Files.writeString(kept.resolve(text.getKey() + ".prom"), text.getValue());
        }
        Set<String> missing = unexposed(readBy.keySet(), recorded, scraped);
        assertTrue(missing.isEmpty(), () -> "read by the dashboard or the rules but exposed by nobody: "
                + missing.stream().map(m -> m + " (in " + readBy.get(m) + ")").toList()
                + "\nexposed:\n" + exposedNames(scraped));
        System.out.println("[figures] metrics read by the dashboard and rules, all exposed: " + new TreeSet<>(readBy.keySet()));
    }

    @Test
    void aMetricNobodyExposesIsReported() {
        String expr = "histogram_quantile(0.95, sum by (le, backend) (rate(cutover_router_request_duration_seconds_bucket"
                + "{application=~\"$application\", backend!=\"x{y}\"}[$__rate_interval])))"
                + " / on (application) group_left sum without (le) (cutover_routr_typo_total offset 5m) > 0.5 and up"
                + " or cutover:recorded:rate1m * 2 unless label_replace(rate(process_cpu_usage[1m]), \"a\", \"$1\", \"b\", \"(.*)\")";
        assertEquals(Set.of("cutover_router_request_duration_seconds_bucket", "cutover_routr_typo_total", "up",
                "cutover:recorded:rate1m", "process_cpu_usage"), metricNames(expr));
        Map<String, String> scraped = Map.of("router", """
                # HELP cutover_router_request_duration_seconds x
                cutover_router_request_duration_seconds_bucket{backend="blue",le="0.1"} 3
                process_cpu_usage 0.1
                """);
        assertEquals(Set.of("cutover_routr_typo_total", "cutover:recorded:rate1m"),
                unexposed(metricNames(expr), Set.of(), scraped));
        assertEquals(Set.of("cutover_routr_typo_total"), unexposed(metricNames(expr), Set.of("cutover:recorded:rate1m"), scraped));
    }

    @Test
    void dashboardIsWellFormed() throws IOException {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        assertTrue(dashboard.path("schemaVersion").asInt() >= 36, "schemaVersion");
        Set<String> variables = new TreeSet<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertTrue(variables.containsAll(Set.of("DS_PROMETHEUS", "application", "environment")), variables::toString);
        Set<Integer> ids = new TreeSet<>();
        for (JsonNode panel : panels(dashboard)) {
            assertTrue(ids.add(panel.path("id").asInt()), "duplicate panel id " + panel.path("id"));
            assertTrue(panel.has("gridPos"), () -> "no gridPos: " + panel.path("title"));
            if (!"row".equals(panel.path("type").asText())) {
                assertEquals("${DS_PROMETHEUS}", panel.path("datasource").path("uid").asText(), panel.path("title").asText());
                assertTrue(panel.path("targets").size() > 0, () -> "no query: " + panel.path("title"));
            }
            for (JsonNode target : panel.path("targets")) {
                Matcher m = Pattern.compile("\\$\\{?([A-Za-z_]\\w*)").matcher(target.path("expr").asText());
                while (m.find()) {
                    String name = m.group(1);
                    assertTrue(name.startsWith("__") || variables.contains(name),
                            () -> panel.path("title").asText() + " uses an undefined variable $" + name);
                }
            }
        }
    }

    @Test
    void promtoolAcceptsTheRulesAndTheConfiguration() throws Exception {
        Optional<Path> promtool = onPath("promtool");
        assumeTrue(promtool.isPresent(), "no promtool on PATH (Debian: apt-get install prometheus): skipping promtool checks");
        Path copy = Files.createDirectories(Path.of("target", "observability", "promtool").toAbsolutePath());
        copyShippedConfig(copy);
        run(promtool.get().toString(), "check", "rules", RULES.toString());
        run(promtool.get().toString(), "check", "config", copy.resolve("prometheus.yml").toString());
        run(promtool.get().toString(), "test", "rules", DIR.resolve("tests/cutover-rules-test.yml").toString());
    }

    /** The shipped configuration, its ports replaced by the stack's, scraped by a real Prometheus. */
    @Test
    void prometheusWithTheShippedConfigurationAnswersEveryDashboardQuery() throws Exception {
        Optional<Path> binary = onPath("prometheus");
        assumeTrue(binary.isPresent(), "no prometheus binary on PATH (Debian: apt-get install prometheus): "
                + "skipping the real-Prometheus dashboard check");
        long t0 = System.nanoTime();
        work = Path.of("target", "observability", "prometheus").toAbsolutePath();
        deleteTree(work); // an earlier run's TSDB would still answer for its own, gone, targets
        copyShippedConfig(work);
        Files.writeString(work.resolve("prometheus.yml"), configForThisStack(Files.readString(CONFIG)));
        // the shipped file_sd entry is the demo's router (18081); this stack's router replaces it
        deleteTree(work.resolve("routers"));
        Files.createDirectories(work.resolve("routers"));
        Files.writeString(work.resolve("routers/e2e.yml"), """
                - targets: ['%s']
                  labels: {application: %s, environment: %s}
                """.formatted(d.routerAdmin().getAuthority(), d.app, ENVIRONMENT));
        int port = LocalStack.freePort();
        prometheus = new ProcessBuilder(binary.get().toString(), "--config.file=" + work.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
        URI api = URI.create("http://127.0.0.1:" + port + "/api/v1/");

        try (TrafficLoop traffic = TrafficLoop.start(d.router(), 20)) {
            // all six targets up: five services and the router, found through file_sd
            boolean allUp = eventually(Duration.ofSeconds(30), () -> {
                JsonNode up = query(api, "up");
                return up.size() == 6 && up.findValues("value").stream().allMatch(v -> v.path(1).asText().equals("1"));
            });
            assertTrue(allUp, () -> "not every target is up: " + query(api, "up") + "\n" + prometheusLog());
            // every rule evaluated, without error
            List<String> notOk = new ArrayList<>();
            eventually(Duration.ofSeconds(15), () -> {
                notOk.clear();
                JsonNode groups = get(api, "rules").path("data").path("groups");
                if (groups.isEmpty()) {
                    notOk.add("no rule groups loaded");
                }
                for (JsonNode group : groups) {
                    group.path("rules").forEach(r -> {
                        if (!"ok".equals(r.path("health").asText())) {
                            notOk.add(r.path("name").asText() + ": " + r.path("health").asText() + " " + r.path("lastError").asText());
                        }
                    });
                }
                return notOk.isEmpty();
            });
            assertTrue(notOk.isEmpty(), () -> "rules not evaluated cleanly: " + notOk);
            // every query is valid PromQL; every panel's shows data (see dataOptional for the exceptions)
            Map<String, String> queries = dashboardQueries();
            Map<String, String> empty = new TreeMap<>();
            eventually(Duration.ofSeconds(20), () -> {
                empty.clear();
                for (var q : queries.entrySet()) {
                    try {
                        if (query(api, q.getValue()).isEmpty() && !dataOptional(q.getKey(), q.getValue())) {
                            empty.put(q.getKey(), "no data: " + q.getValue());
                        }
                    } catch (AssertionError | RuntimeException e) {
                        empty.put(q.getKey(), "failed: " + e.getMessage());
                    }
                }
                return empty.isEmpty();
            });
            assertTrue(empty.isEmpty(), () -> "dashboard queries that fail or show no data: " + empty);
            // and the data is the stack's: traffic through the router shows as a request rate on the stable slot
            String requestRate = queries.entrySet().stream().filter(e -> e.getKey().startsWith("Requests by backend"))
                    .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("no 'Requests by backend' panel"));
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> query(api, requestRate).path(0).path("value").path(1).asDouble() > 5);
            // and an unreadable record shows on the dead-letter panel
            String deadLetters = queries.get("Dead letters in range #A");
            assertTrue(deadLetters != null, "no 'Dead letters in range' panel");
            sendUnreadableRecord();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> query(api, deadLetters).path(0).path("value").path(1).asDouble() >= 0.5);
            System.out.printf("[figures] Prometheus with the shipped config answered %d dashboard queries; %.1f s%n",
                    queries.size(), (System.nanoTime() - t0) / 1e9);
        }
    }

    // --- the dashboard, the rules and what they read ---

    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            all.add(panel);
            panel.path("panels").forEach(all::add); // collapsed rows keep their panels inside
        }
        return all;
    }

    /** "panel title #refId" (or "annotation name") → PromQL as written in the dashboard. */
    static Map<String, String> dashboardExpressions() throws IOException {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        Map<String, String> exprs = new LinkedHashMap<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                exprs.put(panel.path("title").asText() + " #" + target.path("refId").asText(), target.path("expr").asText());
            }
        }
        for (JsonNode annotation : dashboard.path("annotations").path("list")) {
            if (annotation.hasNonNull("expr")) {
                exprs.put("annotation " + annotation.path("name").asText(), annotation.path("expr").asText());
            }
        }
        return exprs;
    }

    /** The dashboard's queries with Grafana's variables replaced by values for this stack. */
    static Map<String, String> dashboardQueries() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        dashboardExpressions().forEach((where, expr) -> {
            String query = expr.replace("$application", d.app).replace("$environment", ENVIRONMENT)
                    .replace("$__rate_interval", "15s").replace("$__interval", "5s").replace("$__range", "5m");
            assertTrue(!Pattern.compile("\\$\\{?[A-Za-z_]").matcher(query).find(), () -> "a variable left unreplaced in " + where + ": " + expr);
            queries.put(where, query);
        });
        return queries;
    }

    /** Metric name → where it is read: every panel query, variable query and rule expression. */
    static Map<String, Set<String>> referencedMetrics() throws IOException {
        Map<String, Set<String>> readBy = new TreeMap<>();
        dashboardExpressions().forEach((where, expr) -> metricNames(expr)
                .forEach(m -> readBy.computeIfAbsent(m, k -> new TreeSet<>()).add("'" + where + "'")));
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asText() : query.asText();
            Matcher labelValues = Pattern.compile("label_values\\((.+),\\s*\\w+\\s*\\)").matcher(text);
            if ("query".equals(variable.path("type").asText()) && labelValues.matches()) {
                metricNames(labelValues.group(1)).forEach(m -> readBy.computeIfAbsent(m, k -> new TreeSet<>())
                        .add("variable $" + variable.path("name").asText()));
            }
        }
        for (JsonNode group : new YAMLMapper().readTree(RULES.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? "alert " + rule.path("alert").asText() : "rule " + rule.path("record").asText();
                metricNames(rule.path("expr").asText()).forEach(m -> readBy.computeIfAbsent(m, k -> new TreeSet<>()).add(name));
            }
        }
        return readBy;
    }

    static Set<String> recordingRules() throws IOException {
        Set<String> recorded = new TreeSet<>();
        for (JsonNode group : new YAMLMapper().readTree(RULES.toFile()).path("groups")) {
            group.path("rules").forEach(r -> {
                if (r.has("record")) {
                    recorded.add(r.path("record").asText());
                }
            });
        }
        return recorded;
    }

    private static final Pattern STRING = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`");
    private static final Pattern LABEL_LIST = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern TOKEN = Pattern.compile(
            "[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|\\$\\{?\\w+\\}?|([A-Za-z_:][A-Za-z0-9_:]*)(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "inf", "nan");

    /**
     * The metric names a PromQL expression reads. A small parser, enough for dashboards and rules: drops strings,
     * label matchers, ranges, label lists of by/without/on/ignoring/group_*, and offsets; what is left that is an
     * identifier, not a keyword and not followed by '(' (a function or aggregation) is a metric name.
     */
    static Set<String> metricNames(String promql) {
        String s = STRING.matcher(promql).replaceAll("\"\"");
        s = s.replaceAll("\\{[^}]*\\}", " ").replaceAll("\\[[^\\]]*\\]", " ");
        s = LABEL_LIST.matcher(s).replaceAll(" ");
        s = s.replaceAll("(?i)\\boffset\\s+-?\\S+", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = TOKEN.matcher(s);
        while (m.find()) {
            String identifier = m.group(1);
            if (identifier != null && m.group(2) == null && !KEYWORDS.contains(identifier.toLowerCase())) {
                names.add(identifier);
            }
        }
        return names;
    }

    /** Referenced names that no scraped sample carries, no recording rule defines and Prometheus does not synthesise. */
    static Set<String> unexposed(Set<String> referenced, Set<String> recorded, Map<String, String> scraped) {
        Set<String> exposed = exposedNames(scraped);
        return referenced.stream()
                .filter(n -> !exposed.contains(n) && !recorded.contains(n) && !SYNTHETIC.contains(n))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Sample names in Prometheus text exposition (so {@code x_bucket}, {@code x_count}, {@code x_total} as written). */
    static Set<String> exposedNames(Map<String, String> scraped) {
        Set<String> names = new TreeSet<>();
        for (String text : scraped.values()) {
            text.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.split("[{ ]", 2)[0]).forEach(names::add);
        }
        return names;
    }

    /** Source → its metrics text: every service's /q/metrics and this application's router. */
    static Map<String, String> scrape() {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String service : LocalStack.SERVICES) {
            texts.put(service, getText(d.stack.serviceUrl(service).resolve("/q/metrics")));
        }
        texts.put("router", getText(d.routerAdmin().resolve("/metrics")));
        return texts;
    }

    // --- Prometheus ---

    /** The shipped prometheus.yml with this stack's service ports and a 1 s scrape and evaluation interval. */
    static String configForThisStack(String shipped) {
        Map<String, String> replace = new LinkedHashMap<>();
        replace.put("scrape_interval: 5s", "scrape_interval: 1s");
        replace.put("evaluation_interval: 5s", "evaluation_interval: 1s");
        String[] services = {"orchestrator-service", "config-service", "provisioner-service", "health-monitor-service",
                "rollback-service"};
        for (int i = 0; i < services.length; i++) {
            replace.put("'127.0.0.1:" + (8090 + i) + "'", "'127.0.0.1:" + d.stack.serviceUrl(services[i]).getPort() + "'");
        }
        String config = shipped;
        for (var r : replace.entrySet()) {
            assertTrue(config.contains(r.getKey()), () -> "the shipped prometheus.yml no longer contains " + r.getKey());
            config = config.replace(r.getKey(), r.getValue());
        }
        return config;
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    static void copyShippedConfig(Path into) throws IOException {
        Files.createDirectories(into.resolve("routers"));
        Files.copy(CONFIG, into.resolve("prometheus.yml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(RULES, into.resolve("cutover-rules.yml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (Stream<Path> routers = Files.list(DIR.resolve("routers"))) {
            for (Path p : routers.toList()) {
                Files.copy(p, into.resolve("routers").resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static JsonNode query(URI api, String promql) {
        JsonNode answer = get(api, "query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertEquals("success", answer.path("status").asText(), () -> promql + " -> " + answer);
        return answer.path("data").path("result");
    }

    static JsonNode get(URI api, String path) {
        try {
            return JSON.readTree(getText(api.resolve(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String getText(URI uri) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the condition, polling; false when it did not hold in time (the caller asserts, with the details). */
    static boolean eventually(Duration atMost, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(condition);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    static Optional<Path> onPath(String binary) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(p -> Path.of(p, binary)).filter(Files::isExecutable).findFirst();
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), () -> String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed:\n" + output);
        System.out.println("[promtool] " + String.join(" ", command).replace(DIR.toString(), "deploy/observability")
                + ": " + output.strip().replace("\n", " | "));
    }

    /**
     * Annotations mark events, so may show none; the Kafka clients' per-topic series appear only when Micrometer's
     * Kafka binder refreshes (about a minute after a service starts), which a fresh stack may not have reached.
     */
    static boolean dataOptional(String panel, String expr) {
        return panel.startsWith("annotation ") || (expr.contains("kafka_") && expr.contains("topic"));
    }
}
