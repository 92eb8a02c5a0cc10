package dev.cutover.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * Runs a real single-node KRaft Kafka broker (broker + controller in one process) from Apache Kafka's own jars.
 *
 * <pre>
 * java -jar deploy/kafka-broker/target/kafka-broker.jar [--port N] [--controller-port N] [--data-dir DIR]
 *     [--partitions N] [--exit-on-stdin-close] [--secure [--secrets-dir DIR]]
 * </pre>
 *
 * <ul>
 *   <li>{@code --port N}: PLAINTEXT port on 127.0.0.1 (default 9092; 0 picks a free port).</li>
 *   <li>{@code --controller-port N}: the KRaft controller's port on 127.0.0.1 (default: a free port).</li>
 *   <li>{@code --data-dir DIR}: log dir (default: a fresh temp dir, deleted on shutdown). A given dir is kept on
 *       shutdown and reused as it is when the broker starts on it again (formatted only the first time): a restart
 *       on the same dir and port is the same broker with its topics, records and committed offsets.</li>
 *   <li>{@code --partitions N}: {@code num.partitions}, the partition count of topics created automatically
 *       (default 1).</li>
 *   <li>{@code --exit-on-stdin-close}: shut down when stdin reaches EOF (the parent process died).</li>
 *   <li>{@code --secure}: the secure profile instead of PLAINTEXT: a SASL_SSL listener (SCRAM-SHA-512) on the port,
 *       {@code StandardAuthorizer} denying what no ACL allows, one principal per service with the ACLs of
 *       {@link ServiceAcls} (see {@link SecureProfile}).</li>
 *   <li>{@code --secrets-dir DIR}: where the secure profile keeps its generated keystore, truststore, passwords and
 *       client settings (default {@code ~/.cutover/kafka-secrets}; created owner-only on first start).</li>
 * </ul>
 *
 * When the broker answers an AdminClient {@code describeCluster}, exactly one line is printed to stdout:
 * {@value #READY_PREFIX}{@code 127.0.0.1:<port>}. All logging goes to stderr.
 */
public final class KafkaBrokerMain {

    public static final String READY_PREFIX = "KAFKA READY ";
    static final String HOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerMain.class);

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        int port = 9092;
        int controllerPort = 0;
        int partitions = 1;
        Path dataDir = null;
        boolean exitOnStdinClose = false;
        boolean secure = false;
        Path secretsDir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(requireValue(args, ++i, "--port"));
                case "--controller-port" -> controllerPort = Integer.parseInt(requireValue(args, ++i, "--controller-port"));
                case "--partitions" -> partitions = Integer.parseInt(requireValue(args, ++i, "--partitions"));
                case "--data-dir" -> dataDir = Paths.get(requireValue(args, ++i, "--data-dir"));
                case "--exit-on-stdin-close" -> exitOnStdinClose = true;
                case "--secure" -> secure = true;
                case "--secrets-dir" -> secretsDir = Paths.get(requireValue(args, ++i, "--secrets-dir"));
                case "-h", "--help" -> {
                    System.err.println("usage: kafka-broker [--port N] [--controller-port N] [--data-dir DIR] [--partitions N]"
                            + " [--exit-on-stdin-close]"
                            + " [--secure [--secrets-dir DIR]]");
                    return;
                }
                default -> {
                    System.err.println("unknown argument: " + args[i]);
                    System.exit(2);
                }
            }
        }

        boolean tempDir = dataDir == null;
        if (tempDir) {
            dataDir = Files.createTempDirectory("cutover-kafka-");
        } else {
            Files.createDirectories(dataDir);
        }
        if (port == 0) {
            port = freePort();
        }
        if (partitions < 1) {
            System.err.println("--partitions must be at least 1");
            System.exit(2);
        }
        while (controllerPort == 0 || controllerPort == port) {
            controllerPort = freePort();
        }

        SecureProfile profile = null;
        if (secure) {
            profile = SecureProfile.prepare(secretsDir != null ? secretsDir : SecureProfile.defaultDir());
        }
        Properties props = brokerProperties(port, controllerPort, dataDir);
        props.put("num.partitions", String.valueOf(partitions));
        if (profile != null) {
            profile.configure(props, HOST, port, controllerPort);
        }
        KafkaConfig config = KafkaConfig.fromProps(props, false);

        if (Files.exists(dataDir.resolve("meta.properties"))) {
            // formatted by an earlier run: the same cluster (formatting again would pick a new cluster id and fail)
            LOG.info("Reusing the formatted storage in {}", dataDir);
        } else {
            LOG.info("Formatting storage in {}", dataDir);
            format(dataDir, controllerPort, profile == null ? List.of() : profile.formatScramArguments());
        }

        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        final Path dir = dataDir;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Shutting down Kafka broker");
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (Throwable e) {
                LOG.warn("Error stopping broker", e);
            }
            if (tempDir) {
                deleteRecursively(dir);
            }
        }, "kafka-broker-shutdown"));

        if (exitOnStdinClose) {
            Thread watcher = new Thread(() -> {
                try {
                    InputStream in = System.in;
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // ignore input; only EOF matters
                    }
                } catch (IOException ignored) {
                    // treat as EOF
                }
                LOG.info("stdin closed (parent gone or close requested): exiting");
                System.exit(0);
            }, "stdin-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }

        LOG.info("Starting KRaft broker+controller on {}:{} (controller port {}){}", HOST, port, controllerPort,
                profile == null ? "" : ", secure profile (SASL_SSL, SCRAM-SHA-512, ACLs)");
        try {
            server.startup();
        } catch (Throwable e) {
            LOG.error("Kafka broker failed to start", e);
            System.exit(1);
        }
        String bootstrap = HOST + ":" + port;
        Map<String, Object> adminConfig = new HashMap<>();
        if (profile != null) {
            adminConfig.putAll(profile.adminClientConfig());
        }
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        awaitReady(adminConfig, profile);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        long jvmMs = ManagementFactory.getRuntimeMXBean().getUptime();
        LOG.info("Kafka ready at {} in {} ms (JVM uptime {} ms)", bootstrap, ms, jvmMs);
        System.out.println(READY_PREFIX + bootstrap);
        System.out.flush();

        server.awaitShutdown();
    }

    static Properties brokerProperties(int port, int controllerPort, Path dataDir) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.toAbsolutePath().toString());
        // single node: internal topics must have RF 1, or consumer groups / transactions never work
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // default 128 MB on heap kills a small-heap broker silently
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        return p;
    }

    private static void format(Path dataDir, int controllerPort, List<String> scram) throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        Formatter formatter = new Formatter();
        if (!scram.isEmpty()) {
            formatter.setScramArguments(scram);
        }
        formatter
                .setPrintStream(quiet)
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .addDirectory(dataDir.toAbsolutePath().toString())
                .setMetadataLogDirectory(dataDir.toAbsolutePath().toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setControllerListenerName("CONTROLLER")
                .setIgnoreFormatted(true)
                .run();
    }

    private static void awaitReady(Map<String, Object> adminConfig, SecureProfile profile)
            throws InterruptedException {
        Properties ap = new Properties();
        ap.putAll(adminConfig);
        ap.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        ap.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = Admin.create(ap)) {
            while (true) {
                try {
                    int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000))
                            .nodes().get(6, TimeUnit.SECONDS).size();
                    if (nodes > 0) {
                        break;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        LOG.error("Broker did not answer describeCluster within 60 s", e);
                        System.exit(1);
                    }
                }
                Thread.sleep(100);
            }
            if (profile != null) {
                LOG.info("Broker answers as {}; creating principals, ACLs and topics", ServiceAcls.ADMIN);
                try {
                    profile.provision(admin);
                } catch (Exception e) {
                    LOG.error("Secure profile: cannot create the principals, ACLs and topics", e);
                    System.exit(1);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static String requireValue(String[] args, int i, String name) {
        if (i >= args.length) {
            System.err.println(name + " needs a value");
            System.exit(2);
        }
        return args[i];
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
