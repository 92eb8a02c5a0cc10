package dev.cutover.testing.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker for tests.
 * <p>
 * Where Docker is available, Testcontainers' {@link KafkaContainer} ({@value #KAFKA_IMAGE}). Otherwise the
 * {@code deploy/kafka-broker} launcher ({@code kafka-broker.jar}, a single-node KRaft broker) runs in a child JVM:
 * {@code java -Xmx384m -XX:+UseSerialGC -jar kafka-broker.jar --port 0 --exit-on-stdin-close}. The jar is taken from
 * the system property {@value #BROKER_JAR_PROPERTY} (set by the root pom's surefire/failsafe config), else found by
 * searching upward from {@code user.dir} for {@value #BROKER_JAR_RELATIVE}. The child's stdout+stderr go to
 * {@code target/kafka-broker.log}; its stdin stays open so it exits by itself if this JVM dies.
 * <p>
 * {@link #shared()} gives one broker per JVM (stopped by a shutdown hook); {@link #start()} a private one that the
 * caller must {@link #close()}.
 */
public final class KafkaBroker implements AutoCloseable {

    public static final String BROKER_JAR_PROPERTY = "cutover.broker.jar";
    public static final String BROKER_JAR_RELATIVE = "deploy/kafka-broker/target/kafka-broker.jar";
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
    /** Set (JVM-wide) to the shared broker's bootstrap servers once {@link #shared()} has started it. */
    public static final String SHARED_BOOTSTRAP_PROPERTY = "cutover.kafka.shared.bootstrap.servers";

    static final long READY_TIMEOUT_SECONDS = 60;
    private static final Pattern READY = Pattern.compile("KAFKA READY (\\S+:\\d+)");
    private static final System.Logger LOG = System.getLogger(KafkaBroker.class.getName());
    /*
     * Quarkus tests may load this class in more than one class loader; a string literal is interned JVM-wide, so
     * it serves as a lock shared by all of them, and the system property records the running shared broker.
     */
    private static final Object JVM_WIDE_LOCK = "dev.cutover.testing.kafka.KafkaBroker#shared";
    private static KafkaBroker shared;
    /** Set (JVM-wide) to the shared secure broker's bootstrap servers and secrets directory once started. */
    public static final String SHARED_SECURE_BOOTSTRAP_PROPERTY = "cutover.kafka.shared-secure.bootstrap.servers";
    public static final String SHARED_SECURE_SECRETS_PROPERTY = "cutover.kafka.shared-secure.secrets-dir";
    private static final Object JVM_WIDE_SECURE_LOCK = "dev.cutover.testing.kafka.KafkaBroker#sharedSecure";
    private static KafkaBroker sharedSecure;

    private final String bootstrapServers;
    private final Process process;
    private final OutputStream childStdin;
    private final KafkaContainer container;
    private final Path secretsDir;
    private volatile boolean closed;

    private KafkaBroker(String bootstrapServers, Process process, KafkaContainer container) {
        this(bootstrapServers, process, container, null);
    }

    private KafkaBroker(String bootstrapServers, Process process, KafkaContainer container, Path secretsDir) {
        this.bootstrapServers = bootstrapServers;
        this.process = process;
        this.childStdin = process == null ? null : process.getOutputStream();
        this.container = container;
        this.secretsDir = secretsDir;
    }

    /** The one broker of this JVM, started on first use and stopped by a JVM shutdown hook. */
    public static synchronized KafkaBroker shared() {
        synchronized (JVM_WIDE_LOCK) {
            if (shared != null && !shared.closed) {
                return shared;
            }
            String existing = System.getProperty(SHARED_BOOTSTRAP_PROPERTY);
            if (existing != null) {
                // started through another class loader of this JVM, which owns the process and its shutdown hook
                shared = new KafkaBroker(existing, null, null);
                return shared;
            }
            KafkaBroker broker = start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "cutover-kafka-broker-stop"));
            System.setProperty(SHARED_BOOTSTRAP_PROPERTY, broker.bootstrapServers());
            shared = broker;
            return broker;
        }
    }

    /**
     * The one secure-profile broker of this JVM ({@link #startSecure} with secrets in {@code target/kafka-secrets}),
     * started on first use and stopped by a JVM shutdown hook.
     */
    public static synchronized KafkaBroker sharedSecure() {
        synchronized (JVM_WIDE_SECURE_LOCK) {
            if (sharedSecure != null && !sharedSecure.closed) {
                return sharedSecure;
            }
            String existing = System.getProperty(SHARED_SECURE_BOOTSTRAP_PROPERTY);
            if (existing != null) {
                sharedSecure = new KafkaBroker(existing, null, null,
                        Paths.get(System.getProperty(SHARED_SECURE_SECRETS_PROPERTY)));
                return sharedSecure;
            }
            KafkaBroker broker = startSecure(Paths.get(System.getProperty("user.dir"), "target", "kafka-secrets"));
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "cutover-kafka-secure-broker-stop"));
            System.setProperty(SHARED_SECURE_SECRETS_PROPERTY, broker.secretsDir().toString());
            System.setProperty(SHARED_SECURE_BOOTSTRAP_PROPERTY, broker.bootstrapServers());
            sharedSecure = broker;
            return broker;
        }
    }

    /** Starts a new broker owned by the caller, who must {@link #close()} it. */
    public static KafkaBroker start() {
        if (dockerAvailable()) {
            LOG.log(System.Logger.Level.INFO, "Docker available: starting Kafka container " + KAFKA_IMAGE);
            KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
            container.start();
            return new KafkaBroker(container.getBootstrapServers(), null, container);
        }
        return launchJar(locateBrokerJar(), List.of(), null);
    }

    /**
     * Starts a new broker in the launcher's secure profile ({@code --secure}: SASL_SSL with SCRAM-SHA-512,
     * {@code StandardAuthorizer}, one principal per service with its ACLs), always from the jar (also where Docker
     * runs). Its keystore, truststore and passwords are generated in {@code secretsDir} on first use and reused
     * afterwards; {@link #clientConfig(String)} gives a principal's client settings. The caller must
     * {@link #close()} it.
     */
    public static KafkaBroker startSecure(Path secretsDir) {
        Path dir = secretsDir.toAbsolutePath();
        return launchJar(locateBrokerJar(), List.of("--secure", "--secrets-dir", dir.toString()), dir);
    }

    /** The secure profile's secrets directory, or {@code null} for a PLAINTEXT broker. */
    public Path secretsDir() {
        return secretsDir;
    }

    /**
     * Kafka client settings of {@code principal} on this secure broker: {@code bootstrap.servers} plus the launcher's
     * {@code client-<principal>.properties} ({@code security.protocol}, {@code sasl.*}, {@code ssl.truststore.*}).
     */
    public Map<String, Object> clientConfig(String principal) {
        if (secretsDir == null) {
            throw new IllegalStateException("not a secure broker: " + this);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(secretsDir.resolve("client-" + principal + ".properties"),
                StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("no client settings for " + principal + " in " + secretsDir, e);
        }
        Map<String, Object> config = new HashMap<>();
        p.forEach((k, v) -> config.put((String) k, v));
        config.put("bootstrap.servers", bootstrapServers);
        return config;
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Stops the broker (no-op for a handle on a broker owned by another class loader). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (container != null) {
            container.stop();
        }
        if (process != null) {
            try {
                childStdin.close(); // the launcher exits on stdin EOF (graceful shutdown)
            } catch (IOException ignored) {
                // fall through to destroy
            }
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The child process of the jar launcher, if that is how the broker runs (for tests). */
    Process process() {
        return process;
    }

    static boolean dockerAvailable() {
        if (!dockerConfigured()) {
            LOG.log(System.Logger.Level.DEBUG, "no Docker socket or DOCKER_HOST: using the kafka-broker jar");
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * Cheap pre-check so that machines without any Docker configuration skip Testcontainers' probe, which logs an
     * ERROR when it finds nothing. Anything that looks like Docker is left to Testcontainers to decide.
     */
    private static boolean dockerConfigured() {
        if (System.getenv("DOCKER_HOST") != null) {
            return true;
        }
        String home = System.getProperty("user.home");
        List<Path> candidates = new ArrayList<>(List.of(Paths.get("/var/run/docker.sock"),
                Paths.get(home, ".testcontainers.properties"), Paths.get(home, ".docker", "run", "docker.sock"),
                Paths.get(home, ".docker", "desktop", "docker.sock"), Paths.get(home, ".colima", "default", "docker.sock"),
                Paths.get(home, ".rd", "docker.sock")));
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDir != null) {
            candidates.add(Paths.get(runtimeDir, "docker.sock"));
        }
        return candidates.stream().anyMatch(Files::exists);
    }

    static Path locateBrokerJar() {
        String configured = System.getProperty(BROKER_JAR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path p = Paths.get(configured);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        // the property may point at a wrong root (e.g. when a module is built on its own): search upward too
        for (Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(BROKER_JAR_RELATIVE);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("Kafka broker launcher jar not found (" + BROKER_JAR_PROPERTY + "="
                + configured + ", nor " + BROKER_JAR_RELATIVE + " above " + System.getProperty("user.dir")
                + "): build deploy/kafka-broker first: mvn -pl deploy/kafka-broker package");
    }

    private static KafkaBroker launchJar(Path jar, List<String> extraArgs, Path secretsDir) {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx384m", "-XX:+UseSerialGC",
                "-jar", jar.toAbsolutePath().toString(), "--port", "0", "--exit-on-stdin-close"));
        cmd.addAll(extraArgs);
        Path logFile = Paths.get(System.getProperty("user.dir"), "target", "kafka-broker.log");
        PrintWriter log = openLog(logFile);
        log.println("=== " + Instant.now() + " " + String.join(" ", cmd));
        log.flush();
        LOG.log(System.Logger.Level.INFO, "Starting Kafka broker: " + jar + " (log: " + logFile + ")");

        long t0 = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            log.close();
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
        CompletableFuture<String> ready = new CompletableFuture<>();
        Deque<String> tail = new ArrayDeque<>();
        Thread pump = new Thread(() -> pump(process, log, tail, ready), "kafka-broker-output");
        pump.setDaemon(true);
        pump.start();

        try {
            String bootstrap = ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.log(System.Logger.Level.INFO, "Kafka broker ready at " + bootstrap + " in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
            return new KafkaBroker(bootstrap, process, null, secretsDir);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            try {
                pump.join(2000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            String output;
            synchronized (tail) {
                output = String.join("\n", tail);
            }
            String why = e instanceof TimeoutException ? "not ready within " + READY_TIMEOUT_SECONDS + " s"
                    : e instanceof ExecutionException ? e.getCause().getMessage() : "interrupted";
            throw new IllegalStateException("Kafka broker failed to start (" + why + "): " + String.join(" ", cmd)
                    + "\n--- broker output (" + logFile + ") ---\n" + output, e);
        }
    }

    private static void pump(Process process, PrintWriter log, Deque<String> tail, CompletableFuture<String> ready) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.println(line);
                log.flush();
                if (!ready.isDone()) {
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 200) {
                            tail.removeFirst();
                        }
                    }
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        ready.complete(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            // stream closed: process gone
        } finally {
            log.close();
            ready.completeExceptionally(new IllegalStateException("broker process ended before it was ready"
                    + (process.isAlive() ? "" : " (exit code " + process.exitValue() + ")")));
        }
    }

    private static PrintWriter openLog(Path logFile) {
        try {
            Files.createDirectories(logFile.getParent());
            return new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + logFile, e);
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers + (container != null ? ", container" : "")
                + (secretsDir != null ? ", secure" : "")
                + (process != null ? ", pid " + process.pid() : "") + "]";
    }
}
