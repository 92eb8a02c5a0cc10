package dev.cutover.provisioner;

import dev.cutover.provisioner.config.ProvisionerConfig;
import dev.cutover.provisioner.slot.PortPool;
import dev.cutover.provisioner.slot.ProvisioningException;
import dev.cutover.provisioner.slot.SlotRegistry;
import dev.cutover.provisioner.slot.TargetState;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real sample-app and router processes for tests, and the cleanup that kills every one of them. */
public final class TestProcesses {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final PortPool ROUTER_PORTS = new PortPool(30000, 32699);

    private TestProcesses() {
    }

    public record LocalSettings(Path workDir, Duration startTimeout, String instancePorts, Path routerJar, String javaOptions,
                                String routerJavaOptions, Optional<String> java, Duration drainTimeout,
                                Duration stopTimeout, boolean detach, String routerPorts) implements ProvisionerConfig.Local {

        /** Router ports from the tests' own range (apart from a running stack's 18300-18999). */
        public LocalSettings(Path workDir, Duration startTimeout, String instancePorts, Path routerJar, String javaOptions,
                             String routerJavaOptions, Optional<String> java, Duration drainTimeout,
                             Duration stopTimeout, boolean detach) {
            this(workDir, startTimeout, instancePorts, routerJar, javaOptions, routerJavaOptions, java, drainTimeout,
                    stopTimeout, detach, "32700-32767");
        }
    }

    public static ProvisionerConfig.Local settings(Path workDir) {
        return new LocalSettings(workDir, Duration.ofSeconds(30), "20000-29999", routerJar(),
                "-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1", "-Xmx96m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
                Optional.empty(), Duration.ofSeconds(10), Duration.ofSeconds(10), true);
    }

    public static Path root() {
        return Path.of(System.getProperty("cutover.root", "..")).toAbsolutePath().normalize();
    }

    public static Path sampleAppJar() {
        return built(root().resolve("deploy/sample-app/target/sample-app.jar"));
    }

    /** The Python sample app's archive ({@code deploy/sample-app}'s build: app.py at its root). */
    public static Path pythonAppArchive() {
        return built(root().resolve("deploy/sample-app/target/sample-app-python.tar.gz"));
    }

    /** The Python sample app's source (to run as it is). */
    public static Path pythonApp() {
        return built(root().resolve("deploy/sample-app/src/main/python/app.py"));
    }

    /** The system's python3 when there is one (a version manager's shim can take seconds to start), else PATH's. */
    public static String python3() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    public static Path routerJar() {
        return built(root().resolve("deploy/router/target/router.jar"));
    }

    private static Path built(Path jar) {
        assertTrue(Files.isRegularFile(jar), jar + " missing: mvn -B -q -pl deploy/sample-app,deploy/router install");
        return jar;
    }

    /**
     * An executable artifact that writes the SHA-256 of {@code $SECRET_PROBE} (never the value) to the file named
     * by {@code $PROBE_FILE} and the names (only) of its environment variables to {@code $PROBE_FILE.names}, then
     * becomes the sample app: proof of what an instance received, without printing a secret anywhere.
     */
    public static Path secretProbeScript(Path dir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return script(dir.resolve("secret-probe.sh"), """
                #!/bin/sh
                env | cut -d= -f1 | sort > "$PROBE_FILE.names"
                printf '%%s' "$SECRET_PROBE" | sha256sum | cut -c1-64 > "$PROBE_FILE.tmp" && mv "$PROBE_FILE.tmp" "$PROBE_FILE"
                exec '%s' -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar '%s'
                """.formatted(java, sampleAppJar()));
    }

    public static Path script(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** A file readable by its owner only, as the local secret store demands. */
    public static Path ownerOnlyFile(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
        return file;
    }

    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A port P with P + 1 (the router's admin port) free too. Router ports come from the environment's config in
     * production; tests take them from a range apart from the instances' and from the kernel's ephemeral ports.
     */
    public static int freeRouterPort() throws ProvisioningException {
        return ROUTER_PORTS.next(2);
    }

    public static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    /**
     * Kills every process a test started: all pids in the registry under {@code workDir} (instances and
     * routers) and any child of this JVM running the sample app, the router or something from the work dir.
     */
    public static void killAll(Path workDir) {
        List<ProcessHandle> victims = new ArrayList<>();
        SlotRegistry registry = new SlotRegistry(workDir.resolve("state"));
        try {
            registry.load(i -> true);
        } catch (RuntimeException ignored) {
            // a broken state file must not keep processes alive
        }
        for (TargetState state : registry.all()) {
            Optional.ofNullable(state.routerPid()).flatMap(ProcessHandle::of).ifPresent(victims::add);
            state.slots().values().forEach(i -> Optional.ofNullable(i.pid()).flatMap(ProcessHandle::of).ifPresent(victims::add));
        }
        String dir = workDir.toAbsolutePath().toString();
        ProcessHandle.current().descendants()
                .filter(h -> h.info().commandLine().map(c -> c.contains("sample-app.jar") || c.contains("router.jar")
                        || c.contains("app.py") || c.contains(dir)).orElse(false))
                .forEach(victims::add);
        victims.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : victims) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // best effort
            }
        }
    }
}
