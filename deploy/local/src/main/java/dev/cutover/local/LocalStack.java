package dev.cutover.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.security.local.LocalSigningKey;
import dev.cutover.security.local.LocalTokens;
import dev.cutover.security.webhook.WebhookKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The embedded default on one machine: a real Kafka broker (its own JVM) and the five services as
 * separate processes. The provisioner then starts routers and application instances itself. Used by
 * the local run and by the end-to-end tests, so both exercise the same thing.
 */
public final class LocalStack implements AutoCloseable {

    /** Start order: the orchestrator last, so every agent is listening when it resumes deployments. */
    public static final List<String> SERVICES = List.of(
            "config-service", "provisioner-service", "health-monitor-service", "rollback-service", "orchestrator-service");

    private static final List<String> SERVICE_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /**
     * @param root      the repository checkout (where the built jars are)
     * @param workDir   logs, provisioner state, instance logs
     * @param kafkaPort 0 for any free port
     * @param ports     HTTP port per service; missing ones get a free port
     */
    /**
     * {@code serviceProperties}: extra system properties per service (by module name), e.g. where the provisioner
     * finds Azure Resource Manager.
     */
    public record Settings(Path root, Path workDir, int kafkaPort, Map<String, Integer> ports,
                           Map<String, Map<String, String>> serviceProperties) {

        public Settings {
            serviceProperties = serviceProperties == null ? Map.of() : Map.copyOf(serviceProperties);
        }

        public Settings(Path root, Path workDir, int kafkaPort, Map<String, Integer> ports) {
            this(root, workDir, kafkaPort, ports, Map.of());
        }
    }

    /** The local CI source requests on the topic / {@code POST /webhooks/local-ci} are signed as. */
    public static final String CI_SOURCE = "local-ci";
    private static final String CI_KEY_SECRET = "ci-local-ci";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FIRST_PORT = 30000;
    private static final int LAST_PORT = 32699;
    private static final AtomicInteger NEXT_PORT =
            new AtomicInteger(2 * ThreadLocalRandom.current().nextInt((LAST_PORT - FIRST_PORT) / 2));

    private final Settings settings;
    private final Consumer<String> progress;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, ChildProcess> services = new LinkedHashMap<>();
    private ChildProcess broker;
    private String bootstrapServers;
    private LocalSigningKey signingKey;
    private String adminToken;
    private long adminTokenMintedAt;

    private LocalStack(Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public static LocalStack start(Settings settings, Consumer<String> progress) {
        LocalStack stack = new LocalStack(settings, progress);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() {
        requireBuilt();
        forgetPreviousRun();
        // the services verify bearer tokens with this key's public half; created (owner-only) on first start
        signingKey = LocalSigningKey.loadOrCreate(settings.workDir());
        progress.accept("token signing key: " + settings.workDir().resolve(LocalSigningKey.FILE_NAME) + " (owner-only)");
        startBroker();
        for (String service : SERVICES) {
            ports.put(service, settings.ports().getOrDefault(service, freePort()));
        }
        for (String service : SERVICES) {
            startService(service);
        }
    }

    /**
     * A run that was killed outright (no shutdown hook) leaves its data plane running and its
     * provisioner state pointing at a broker that is gone: stop those processes, start clean.
     */
    private void forgetPreviousRun() {
        for (ProcessHandle p : dataPlane()) {
            String command = p.info().commandLine().orElse("");
            if (command.contains("router.jar") || command.contains("sample-app.jar")) {
                progress.accept("stopping a leftover process of an earlier run: pid " + p.pid());
                p.destroy();
            }
        }
        deleteTree(settings.workDir().resolve("provisioner").resolve("state"));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }

    private void requireBuilt() {
        List<Path> needed = new ArrayList<>(List.of(brokerJar(), routerJar(), sampleAppJar()));
        SERVICES.forEach(s -> needed.add(serviceJar(s)));
        List<Path> missing = needed.stream().filter(p -> !Files.isRegularFile(p)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("not built yet: " + missing + " — run: mvn -B -DskipTests install");
        }
    }

    private void startBroker() {
        long t0 = System.nanoTime();
        progress.accept("starting Kafka broker (KRaft, Apache Kafka's jars, own JVM) ...");
        broker = new ChildProcess("kafka-broker", List.of(java(), "-Xmx384m", "-XX:+UseSerialGC", "-jar",
                brokerJar().toString(), "--port", String.valueOf(settings.kafkaPort())),
                settings.root(), logs().resolve("kafka-broker.log")).start("KAFKA READY");
        String line = broker.awaitReadyLine(Duration.ofSeconds(90));
        bootstrapServers = line.substring("KAFKA READY".length()).trim();
        progress.accept(String.format("  kafka-broker ready at %s in %.1f s (log %s)", bootstrapServers, secondsSince(t0),
                broker.log()));
    }

    private void startService(String service) {
        long t0 = System.nanoTime();
        int port = ports.get(service);
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(SERVICE_JVM);
        command.add("-Dkafka.bootstrap.servers=" + bootstrapServers);
        command.add("-Dquarkus.http.port=" + port);
        // the services answer on loopback only unless told otherwise (-Dcutover.local.bind=0.0.0.0): the broker and
        // the routers bind 127.0.0.1 too, so nothing of the embedded stack is reachable from the network by default
        command.add("-Dquarkus.http.host=" + System.getProperty("cutover.local.bind", "127.0.0.1"));

        // token verification without an OIDC server: the local key's public half, the local issuer and audience
        command.add("-Dquarkus.oidc.public-key=" + signingKey.publicKeyBase64());
        command.add("-Dquarkus.oidc.token.issuer=" + LocalTokens.ISSUER);
        command.add("-Dquarkus.oidc.token.audience=" + LocalTokens.AUDIENCE);
        if (service.equals("config-service")) {
            // the checkout's build folder is an allowed artifact source in every environment (the sample app)
            String folder = sampleAppJar().getParent().toAbsolutePath().toUri().toString();
            command.add("-Dcutover.config.artifact.extra-allowed-sources=" + (folder.endsWith("/") ? folder : folder + "/"));
        }

        if (service.equals("orchestrator-service")) {
            ensureCiKey();
            command.add("-Dcutover.secrets.local.file=" + ciSecretsFile());
            command.add("-Dcutover.orchestrator.ci-sources." + CI_SOURCE + ".key=" + CI_KEY_SECRET);
        }
        if (service.equals("provisioner-service")) {
            command.add("-Dcutover.provisioner.local.work-dir=" + settings.workDir().resolve("provisioner"));
            command.add("-Dcutover.provisioner.local.router-jar=" + routerJar());
        }
        settings.serviceProperties().getOrDefault(service, Map.of())
                .forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(serviceJar(service).toString());
        ChildProcess process = new ChildProcess(service, command, settings.root(), logs().resolve(service + ".log"))
                .start(null);
        services.put(service, process);
        process.awaitHttpOk(serviceUrl(service).resolve("/q/health/ready"), Duration.ofSeconds(90));
        progress.accept(String.format("  %-22s ready on http://127.0.0.1:%d in %.1f s (log %s)", service, port,
                secondsSince(t0), process.log()));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public URI serviceUrl(String service) {
        Integer port = ports.get(service);
        if (port == null) {
            throw new IllegalArgumentException("unknown service " + service);
        }
        return URI.create("http://127.0.0.1:" + port);
    }

    public URI orchestratorUrl() {
        return serviceUrl("orchestrator-service");
    }

    /** {@code <work>/secrets/orchestrator.properties}: owner-only, made on first start, kept across runs. */
    public Path ciSecretsFile() {
        return settings.workDir().resolve("secrets").resolve("orchestrator.properties");
    }

    private void ensureCiKey() {
        Path file = ciSecretsFile();
        try {
            if (Files.exists(file)) {
                return;
            }
            Files.createDirectories(file.getParent(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, CI_KEY_SECRET + "=" + WebhookKey.generate() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the CI source key file " + file, e);
        }
    }

    /** The local CI source's key (whsec_...), for signing requests: {@code StandardWebhooks.sign(ciKey(), body)}. */
    public WebhookKey ciKey() {
        try (var in = Files.newBufferedReader(ciSecretsFile())) {
            var p = new java.util.Properties();
            p.load(in);
            return WebhookKey.parse(p.getProperty(CI_KEY_SECRET));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mints tokens the services accept (issuer {@value LocalTokens#ISSUER}, audience {@value LocalTokens#AUDIENCE}). */
    public LocalTokens tokens() {
        return new LocalTokens(signingKey);
    }

    /** A {@code cutover:admin:*:*} token for subject {@code cutover-local-admin}, re-minted before it expires. */
    public synchronized String adminToken() {
        long now = System.currentTimeMillis();
        if (adminToken == null || now - adminTokenMintedAt > Duration.ofMinutes(5).toMillis()) {
            adminToken = tokens().subject("cutover-local-admin").grant("admin", "*", "*").mint();
            adminTokenMintedAt = now;
        }
        return adminToken;
    }

    /** A client of {@code service}'s API sending the admin token. */
    public CutoverClient client(String service) {
        return new CutoverClient(serviceUrl(service), this::adminToken);
    }

    /** The sample app jar's SHA-256 (hex), for a request's {@code sha256} (required in production). */
    public String sampleAppSha256() {
        try (var in = Files.newInputStream(sampleAppJar())) {
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path sampleAppJar() {
        return settings.root().resolve("deploy/sample-app/target/sample-app.jar");
    }

    public Path logs() {
        return settings.workDir().resolve("logs");
    }

    /** SIGKILL a service, as a crash would. */
    public void kill(String service) {
        services.get(service).kill();
        progress.accept("killed " + service + " (SIGKILL)");
    }

    /** Start a service again on the same port (after {@link #kill}). */
    public void restart(String service) {
        services.get(service).stop(Duration.ofSeconds(10));
        startService(service);
    }

    /** Process ids of every process the stack runs, services and data plane, with their RSS summed. */
    public long totalRssKib() {
        Set<Long> pids = new LinkedHashSet<>();
        if (broker != null && broker.isAlive()) {
            pids.add(broker.pid());
        }
        services.values().stream().filter(ChildProcess::isAlive).forEach(p -> pids.add(p.pid()));
        dataPlane().forEach(p -> pids.add(p.pid()));
        long total = 0;
        for (long pid : pids) {
            total += rssKib(pid);
        }
        return total;
    }

    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process just ended
        }
        return 0;
    }

    /**
     * Routers and application instances. The provisioner starts them in their own session (so a
     * restart of the provisioner never cuts traffic) and records their pids in its state files.
     */
    public List<ProcessHandle> dataPlane() {
        List<ProcessHandle> found = new ArrayList<>();
        Path stateDir = settings.workDir().resolve("provisioner").resolve("state");
        if (!Files.isDirectory(stateDir)) {
            return found;
        }
        try (var files = Files.list(stateDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode state = JSON.readTree(file.toFile());
                List<JsonNode> pids = new ArrayList<>();
                pids.add(state.path("routerPid"));
                state.path("slots").forEach(slot -> pids.add(slot.path("pid")));
                pids.stream().filter(JsonNode::canConvertToLong).map(JsonNode::asLong)
                        .map(ProcessHandle::of).flatMap(java.util.Optional::stream)
                        .filter(ProcessHandle::isAlive).forEach(found::add);
            }
        } catch (IOException e) {
            progress.accept("cannot read provisioner state in " + stateDir + ": " + e.getMessage());
        }
        return found;
    }

    /** Stops everything it started, data plane included; safe to call twice. */
    @Override
    public void close() {
        List<ChildProcess> reversed = new ArrayList<>(services.values());
        java.util.Collections.reverse(reversed);
        for (ChildProcess service : reversed) {
            service.stop(Duration.ofSeconds(10));
        }
        List<ProcessHandle> dataPlane = dataPlane();
        for (ProcessHandle p : dataPlane) {
            p.destroy();
        }
        for (ProcessHandle p : dataPlane) {
            try {
                p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        if (broker != null) {
            broker.stop(Duration.ofSeconds(15));
        }
    }

    private Path brokerJar() {
        return settings.root().resolve("deploy/kafka-broker/target/kafka-broker.jar");
    }

    private Path routerJar() {
        return settings.root().resolve("deploy/router/target/router.jar");
    }

    private Path serviceJar(String service) {
        return settings.root().resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Where the router the provisioner starts for traffic port {@code routerPort} serves its admin API (backends,
     * {@code /health}, {@code /metrics}). The provisioner decides that and reports it as {@code routerAdminUrl} in
     * SlotProvisioned and TrafficShifted; tools that only know the traffic port they asked for (the demo, the
     * benchmark, the e2e tests) ask here instead of repeating the rule.
     */
    public static URI routerAdminUrl(int routerPort) {
        return URI.create("http://127.0.0.1:" + routerAdminPort(routerPort));
    }

    private static int routerAdminPort(int routerPort) {
        return routerPort + 1;
    }

    /**
     * A port P whose router admin port (see {@link #routerAdminUrl}) is free too, so that P can be a router's.
     * Taken from 30000-32699: below the kernel's ephemeral range (Linux 32768-60999), where an outgoing
     * connection could take a port from {@code new ServerSocket(0)} before the service binds it, and apart from
     * the provisioner's instance ports (20000-29999). The cursor walks the range, so a port is not offered twice
     * in one run.
     */
    public static int freePort() {
        int size = LAST_PORT - FIRST_PORT + 1;
        for (int tried = 0; tried < size; tried += 2) {
            int port = FIRST_PORT + Math.floorMod(NEXT_PORT.getAndAdd(2), size);
            if (routerAdminPort(port) <= LAST_PORT && bindable(port) && bindable(routerAdminPort(port))) {
                return port;
            }
        }
        throw new IllegalStateException("no two free consecutive ports in " + FIRST_PORT + "-" + LAST_PORT);
    }

    private static boolean bindable(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
