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
     * @param root              the repository checkout (where the built jars are)
     * @param workDir           logs, provisioner state, instance logs, the broker's data
     * @param kafkaPort         0 for any free port
     * @param ports             HTTP port per service (its first replica); missing ones get a free port
     * @param serviceProperties extra system properties per service (by module name), e.g. where the provisioner
     *                          finds Azure Resource Manager. In a value {@code {replica}} is replaced by the replica's
     *                          number (1, 2, ...) and {@code {port}} by its HTTP port.
     * @param replicas          instances per service (missing: 1); each replica has its own HTTP port and log
     *                          ({@code <service>.log}, {@code <service>-2.log}, ...), all in the service's consumer group
     * @param partitions        the broker's {@code num.partitions} for the topics it creates; 0: 1, or 4 when any
     *                          service runs more than one replica
     * @param replicaProperties extra system properties of replica 2 and later, per service (placeholders as above)
     */
    public record Settings(Path root, Path workDir, int kafkaPort, Map<String, Integer> ports,
                           Map<String, Map<String, String>> serviceProperties, Map<String, Integer> replicas,
                           int partitions, Map<String, Map<String, String>> replicaProperties,
                           Map<String, List<String>> jvmOptions) {

        public Settings {
            serviceProperties = serviceProperties == null ? Map.of() : Map.copyOf(serviceProperties);
            replicas = replicas == null ? Map.of() : Map.copyOf(replicas);
            replicaProperties = replicaProperties == null ? Map.of() : Map.copyOf(replicaProperties);
            jvmOptions = jvmOptions == null ? Map.of() : Map.copyOf(jvmOptions);
        }

        public Settings(Path root, Path workDir, int kafkaPort, Map<String, Integer> ports,
                        Map<String, Map<String, String>> serviceProperties) {
            this(root, workDir, kafkaPort, ports, serviceProperties, Map.of(), 0, Map.of(), Map.of());
        }

        /** Extra JVM options of {@code service}, after the defaults (a later {@code -Xmx} wins). */
        public Settings withJvmOptions(String service, List<String> options) {
            Map<String, List<String>> all = new LinkedHashMap<>(jvmOptions);
            all.put(service, List.copyOf(options));
            return new Settings(root, workDir, kafkaPort, ports, serviceProperties, replicas, partitions,
                    replicaProperties, all);
        }

        public Settings(Path root, Path workDir, int kafkaPort, Map<String, Integer> ports) {
            this(root, workDir, kafkaPort, ports, Map.of());
        }

        /** {@code n} replicas of every service. */
        public Settings withReplicas(int n) {
            Map<String, Integer> all = new LinkedHashMap<>();
            SERVICES.forEach(service -> all.put(service, n));
            return new Settings(root, workDir, kafkaPort, ports, serviceProperties, all, partitions, replicaProperties,
                    jvmOptions);
        }

        /** {@code n} replicas of {@code service}. */
        public Settings withReplicas(String service, int n) {
            Map<String, Integer> all = new LinkedHashMap<>(replicas);
            all.put(service, n);
            return new Settings(root, workDir, kafkaPort, ports, serviceProperties, all, partitions, replicaProperties,
                    jvmOptions);
        }

        public Settings withPartitions(int n) {
            return new Settings(root, workDir, kafkaPort, ports, serviceProperties, replicas, n, replicaProperties,
                    jvmOptions);
        }

        /** Extra system properties of {@code service}'s replicas 2, 3, ... */
        public Settings withReplicaProperties(String service, Map<String, String> properties) {
            Map<String, Map<String, String>> all = new LinkedHashMap<>(replicaProperties);
            all.put(service, properties);
            return new Settings(root, workDir, kafkaPort, ports, serviceProperties, replicas, partitions, all,
                    jvmOptions);
        }

        public int replicas(String service) {
            return Math.max(1, replicas.getOrDefault(service, 1));
        }

        /** The broker's num.partitions. */
        public int effectivePartitions() {
            if (partitions > 0) {
                return partitions;
            }
            return SERVICES.stream().anyMatch(s -> replicas(s) > 1) ? 4 : 1;
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

    /** The environment variable every process of the stack (services and what they start) carries: the work dir. */
    public static final String STACK_MARKER = "CUTOVER_LOCAL_STACK";

    private final Settings settings;
    private final Consumer<String> progress;
    /** HTTP port per service and replica (index 0 = replica 1). */
    private final Map<String, List<Integer>> ports = new LinkedHashMap<>();
    private final Map<String, List<ChildProcess>> services = new LinkedHashMap<>();
    private ChildProcess broker;
    private int brokerPort;
    private int controllerPort;
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
        deleteTree(brokerDataDir());
        brokerPort = settings.kafkaPort() == 0 ? freePort() : settings.kafkaPort();
        controllerPort = freePort();
        startBroker();
        for (String service : SERVICES) {
            List<Integer> replicaPorts = new ArrayList<>();
            replicaPorts.add(settings.ports().getOrDefault(service, freePort()));
            for (int r = 2; r <= settings.replicas(service); r++) {
                replicaPorts.add(freePort());
            }
            ports.put(service, replicaPorts);
        }
        for (String service : SERVICES) {
            for (int r = 1; r <= settings.replicas(service); r++) {
                startService(service, r);
            }
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
        for (ProcessHandle p : stackProcesses()) {
            progress.accept("stopping a leftover process of an earlier run of this work dir: pid " + p.pid());
            p.destroyForcibly();
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
        // its own data dir under the work dir (kept on shutdown, cleared when the stack starts), the same port and
        // controller port every time: a restarted broker is the same broker with the same topics and offsets
        broker = new ChildProcess("kafka-broker", List.of(java(), "-Xmx384m", "-XX:+UseSerialGC", "-jar",
                brokerJar().toString(), "--port", String.valueOf(brokerPort), "--controller-port",
                String.valueOf(controllerPort), "--data-dir", brokerDataDir().toString(),
                "--partitions", String.valueOf(settings.effectivePartitions())),
                settings.root(), logs().resolve("kafka-broker.log")).start("KAFKA READY");
        // a broker restarted after a SIGKILL recovers its logs first: slow on a loaded machine
        String line = broker.awaitReadyLine(Duration.ofSeconds(180));
        bootstrapServers = line.substring("KAFKA READY".length()).trim();
        progress.accept(String.format("  kafka-broker ready at %s in %.1f s, %d partitions per topic (log %s)",
                bootstrapServers, secondsSince(t0), settings.effectivePartitions(), broker.log()));
    }

    private Path brokerDataDir() {
        return settings.workDir().resolve("kafka-data");
    }

    /** SIGKILL the broker, as a crash would (its data stays on disk). */
    public void killBroker() {
        broker.kill();
        progress.accept("killed kafka-broker (SIGKILL)");
    }

    /** Stops the broker (SIGTERM; its data stays on disk), e.g. to see the services answer without Kafka. */
    public void stopBroker() {
        broker.stop(Duration.ofSeconds(15));
        progress.accept("stopped kafka-broker");
    }

    /** Starts the broker again (after {@link #killBroker} / {@link #stopBroker}): same port, same data. */
    public void restartBroker() {
        broker.stop(Duration.ofSeconds(15));
        startBroker();
    }

    public boolean brokerAlive() {
        return broker != null && broker.isAlive();
    }

    private void startService(String service, int replica) {
        long t0 = System.nanoTime();
        int port = ports.get(service).get(replica - 1);
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(SERVICE_JVM);
        command.addAll(settings.jvmOptions().getOrDefault(service, List.of()));
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
            // CDEvents: an artifact.published of any generic purl deploys the purl's name, to the environment in the
            // event's customData, from its download_url (README "CDEvents")
            command.add("-Dcutover.orchestrator.cdevents.rules.local.purl=pkg:generic/");
            // the state topic is the orchestrator's own (it creates it): as many partitions as the others
            command.add("-Dcutover.orchestrator.replica-id=orchestrator-service-" + replica);
            if (settings.effectivePartitions() > 1) {
                command.add("-Dcutover.orchestrator.state-topic-partitions=" + settings.effectivePartitions());
            }
        }
        if (service.equals("provisioner-service")) {
            command.add("-Dcutover.provisioner.local.work-dir=" + settings.workDir().resolve("provisioner"));
            command.add("-Dcutover.provisioner.local.router-jar=" + routerJar());
        }
        Map<String, String> properties = new LinkedHashMap<>(settings.serviceProperties().getOrDefault(service, Map.of()));
        if (replica > 1) {
            properties.putAll(settings.replicaProperties().getOrDefault(service, Map.of()));
        }
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value
                .replace("{replica}", String.valueOf(replica)).replace("{port}", String.valueOf(port))));
        command.add("-jar");
        command.add(serviceJar(service).toString());
        String name = replica == 1 ? service : service + "-" + replica;
        ChildProcess process = new ChildProcess(name, command, settings.root(), logs().resolve(name + ".log"))
                .environment(Map.of(STACK_MARKER, stackId()))
                .start(null);
        List<ChildProcess> replicas = services.computeIfAbsent(service, s -> new ArrayList<>());
        while (replicas.size() < replica) {
            replicas.add(null);
        }
        replicas.set(replica - 1, process);
        process.awaitHttpOk(serviceUrl(service, replica).resolve("/q/health/ready"), Duration.ofSeconds(90));
        progress.accept(String.format("  %-24s ready on http://127.0.0.1:%d in %.1f s (log %s)", name, port,
                secondsSince(t0), process.log()));
    }

    /** The value of {@link #STACK_MARKER} in this stack's processes. */
    public String stackId() {
        return settings.workDir().toAbsolutePath().normalize().toString();
    }

    /** How many replicas of {@code service} the stack has (running or killed). */
    public int replicas(String service) {
        return services.getOrDefault(service, List.of()).size();
    }

    /**
     * Starts one more replica of {@code service} (its own port and log, the same consumer group) and returns its
     * number. Against a broker with one partition per topic it only stands by.
     */
    public synchronized int addReplica(String service) {
        int replica = replicas(service) + 1;
        ports.get(service).add(freePort());
        startService(service, replica);
        return replica;
    }

    /** Stops one replica of a service (SIGTERM, as an operator would). */
    public void stop(String service, int replica) {
        process(service, replica).stop(Duration.ofSeconds(10));
        progress.accept("stopped " + process(service, replica).name());
    }

    /** The broker's partitions per topic. */
    public int partitions() {
        return settings.effectivePartitions();
    }

    public boolean isAlive(String service, int replica) {
        ChildProcess p = process(service, replica);
        return p != null && p.isAlive();
    }

    /** The pid of a replica of a service (while it runs). */
    public long pid(String service, int replica) {
        return process(service, replica).pid();
    }

    private ChildProcess process(String service, int replica) {
        List<ChildProcess> replicas = services.get(service);
        if (replicas == null || replica < 1 || replica > replicas.size()) {
            throw new IllegalArgumentException("no replica " + replica + " of " + service);
        }
        return replicas.get(replica - 1);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The first replica's URL. */
    public URI serviceUrl(String service) {
        return serviceUrl(service, 1);
    }

    public URI serviceUrl(String service, int replica) {
        List<Integer> replicaPorts = ports.get(service);
        if (replicaPorts == null || replica < 1 || replica > replicaPorts.size()) {
            throw new IllegalArgumentException("unknown service " + service + " replica " + replica);
        }
        return URI.create("http://127.0.0.1:" + replicaPorts.get(replica - 1));
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

    /** A client of {@code service}'s API (its first replica) sending the admin token. */
    public CutoverClient client(String service) {
        return client(service, 1);
    }

    /** A client of one replica of {@code service}'s API sending the admin token. */
    public CutoverClient client(String service, int replica) {
        return new CutoverClient(serviceUrl(service, replica), this::adminToken);
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

    /** SIGKILL a service (its first replica), as a crash would. */
    public void kill(String service) {
        kill(service, 1);
    }

    /** SIGKILL one replica of a service, as a crash would. */
    public void kill(String service, int replica) {
        process(service, replica).kill();
        progress.accept("killed " + process(service, replica).name() + " (SIGKILL)");
    }

    /** Start a service (its first replica) again on the same port (after {@link #kill}). */
    public void restart(String service) {
        restart(service, 1);
    }

    /** Start one replica of a service again on the same port (after {@link #kill}; stops it first if it runs). */
    public void restart(String service, int replica) {
        process(service, replica).stop(Duration.ofSeconds(10));
        startService(service, replica);
    }

    /** Process ids of every process the stack runs, services and data plane, with their RSS summed. */
    public long totalRssKib() {
        Set<Long> pids = new LinkedHashSet<>();
        if (broker != null && broker.isAlive()) {
            pids.add(broker.pid());
        }
        services.values().stream().flatMap(List::stream).filter(p -> p != null && p.isAlive())
                .forEach(p -> pids.add(p.pid()));
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
                state.path("slots").forEach(slot -> {
                    pids.add(slot.path("pid"));
                    slot.path("members").forEach(member -> pids.add(member.path("pid")));
                });
                pids.stream().filter(JsonNode::canConvertToLong).map(JsonNode::asLong)
                        .map(ProcessHandle::of).flatMap(java.util.Optional::stream)
                        .filter(ProcessHandle::isAlive).filter(p -> !found.contains(p)).forEach(found::add);
            }
        } catch (IOException e) {
            progress.accept("cannot read provisioner state in " + stateDir + ": " + e.getMessage());
        }
        return found;
    }

    /**
     * Every live process the stack's services started (routers, application instances), as the OS has it: the
     * processes carrying {@link #STACK_MARKER} = this stack, minus the services themselves. What {@link #dataPlane}
     * does not list among them, nobody knows about.
     */
    public List<ProcessHandle> stackProcesses() {
        Set<Long> ownServices = new java.util.HashSet<>();
        services.values().stream().flatMap(List::stream).filter(p -> p != null && p.isAlive())
                .forEach(p -> ownServices.add(p.pid()));
        String marker = STACK_MARKER + "=" + stackId();
        List<ProcessHandle> found = new ArrayList<>();
        ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).filter(p -> !ownServices.contains(p.pid()))
                .forEach(p -> {
                    if (environment(p.pid()).contains(marker)) {
                        found.add(p);
                    }
                });
        return found;
    }

    /** A process's environment as NAME=value entries (empty when unreadable: not ours, or gone). */
    public static List<String> environment(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "environ"));
            return List.of(new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1).split("\0"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** Stops everything it started, data plane included; safe to call twice. */
    @Override
    public void close() {
        List<ChildProcess> reversed = new ArrayList<>();
        services.values().forEach(reversed::addAll);
        java.util.Collections.reverse(reversed);
        for (ChildProcess service : reversed) {
            if (service != null) {
                service.stop(Duration.ofSeconds(10));
            }
        }
        List<ProcessHandle> dataPlane = new ArrayList<>(dataPlane());
        stackProcesses().stream().filter(p -> !dataPlane.contains(p)).forEach(dataPlane::add);
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
            try {
                deleteTree(brokerDataDir());
            } catch (UncheckedIOException e) {
                progress.accept("cannot clear the broker's data: " + e.getMessage());
            }
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
