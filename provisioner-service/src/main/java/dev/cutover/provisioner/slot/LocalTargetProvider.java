package dev.cutover.provisioner.slot;

import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.Target;
import dev.cutover.provisioner.config.ProvisionerConfig;
import org.jboss.logging.Logger;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Instances as OS processes on free ports of the configured range: {@code *.jar} artifacts run with {@code java -jar}, anything else
 * is executed directly, with PORT, CUTOVER_VERSION and CUTOVER_SLOT in the environment. Ready when the
 * port accepts connections.
 */
public class LocalTargetProvider implements TargetProvider {

    private static final Logger LOG = Logger.getLogger(LocalTargetProvider.class);

    private final ProvisionerConfig.Local config;
    private final PortPool ports;

    public LocalTargetProvider(ProvisionerConfig.Local config) {
        this.config = config;
        this.ports = PortPool.parse(config.instancePorts());
    }

    @Override
    public SlotInstance start(ProvisionSlot command, Map<String, String> environment, Consumer<SlotInstance> spawned)
            throws ProvisioningException {
        Path artifact = artifactPath(command.artifact());
        List<String> process = artifact.getFileName().toString().endsWith(".jar")
                ? LocalProcesses.javaCommand(config.java(), config.javaOptions(), artifact)
                : List.of(artifact.toString());
        if (process.size() == 1 && !Files.isExecutable(artifact)) {
            throw new ProvisioningException("artifact " + artifact + " is neither a jar nor executable");
        }
        int port = ports.next();
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("PORT", Integer.toString(port));
        env.put("CUTOVER_VERSION", command.version());
        env.put("CUTOVER_SLOT", command.slot());
        Target t = command.target();
        Path log = config.workDir().resolve("logs").resolve(SlotRegistry.safe(t.application() + "-" + t.environment()
                + "-" + command.slot() + "-" + command.version()) + ".log").toAbsolutePath();

        LocalProcesses.Spawned started = LocalProcesses.spawn(process, env, log, config.detach());
        long pid = started.pid();
        SlotInstance instance = new SlotInstance(command.slot(), command.version(), command.meta().deploymentId(),
                "http://127.0.0.1:" + port, "local:" + pid, pid, port, LocalProcesses.startMs(pid),
                System.currentTimeMillis());
        spawned.accept(instance);
        LOG.infof("Started %s %s in slot %s: pid %d, port %d, log %s (deployment %s)", t, command.version(),
                command.slot(), pid, port, log, command.meta().deploymentId());
        LocalProcesses.awaitReady(started, () -> LocalProcesses.accepts(port), config.startTimeout(),
                "instance " + command.version() + " (pid " + pid + ")");
        return instance;
    }

    @Override
    public boolean alive(SlotInstance instance) {
        return LocalProcesses.alive(instance.pid(), instance.processStartMs());
    }

    @Override
    public void awaitReady(SlotInstance instance) throws ProvisioningException {
        long deadline = System.nanoTime() + config.startTimeout().toNanos();
        while (!LocalProcesses.accepts(instance.port())) {
            if (!alive(instance) || System.nanoTime() > deadline) {
                throw new ProvisioningException("instance " + instance.instanceId() + " does not accept connections on port "
                        + instance.port());
            }
            LocalProcesses.pause(50);
        }
    }

    @Override
    public void stop(SlotInstance instance) {
        if (alive(instance)) {
            LocalProcesses.stop(instance.pid(), config.stopTimeout());
        }
    }

    /** {@code file:/path/x.jar}, {@code file:///path/x.jar} or a plain path. */
    static Path artifactPath(String artifact) throws ProvisioningException {
        Path path;
        try {
            path = artifact.startsWith("file://") ? Path.of(URI.create(artifact))
                    : Path.of(artifact.startsWith("file:") ? artifact.substring("file:".length()) : artifact);
        } catch (RuntimeException e) {
            throw new ProvisioningException("artifact '" + artifact + "' is not a file path or file: URL");
        }
        if (!Files.isRegularFile(path)) {
            throw new ProvisioningException("artifact " + path.toAbsolutePath() + " does not exist");
        }
        return path.toAbsolutePath();
    }
}
