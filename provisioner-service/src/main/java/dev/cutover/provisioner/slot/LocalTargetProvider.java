package dev.cutover.provisioner.slot;

import dev.cutover.events.AppCommand;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.Target;
import dev.cutover.provisioner.config.ProvisionerConfig;
import org.jboss.logging.Logger;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Instances as OS processes on free ports of the configured range, any executable: a {@code *.jar} runs with
 * {@code java -jar}, any other file is executed directly, unless the command carries {@code app.command}
 * ({@link AppCommand}: {@code {port}} and {@code {artifact}} substituted); a {@code *.tar.gz} (or {@code .tgz}) is
 * unpacked into the slot's folder ({@code <work-dir>/instances/<app>-<env>-<slot>}, emptied first) and started there
 * with {@code app.command}, which it requires (a first word naming a file of the archive is that file). Every process
 * gets PORT, CUTOVER_VERSION, CUTOVER_SLOT, CUTOVER_INSTANCE (1..n) and CUTOVER_INSTANCES (n) in
 * the environment. A slot runs {@link ProvisionSlot#instances()} processes, each on its own port, that together are
 * its one router backend; it is ready when every one accepts connections, and a member that does not come up fails
 * the start with the others stopped.
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
        int count = command.instances();
        if (count < 1) {
            throw ProvisioningException.configuration("a slot runs at least one instance, " + count + " were asked for");
        }
        Path artifact = artifactPath(command.artifact());
        Target t = command.target();
        Launch launch = launch(command, artifact);
        long startedAt = System.currentTimeMillis();
        List<LocalProcesses.Spawned> processes = new ArrayList<>();
        List<SlotInstance.Member> members = new ArrayList<>();
        try {
            // all members start at once; each is on record (spawned) as soon as it exists
            for (int i = 1; i <= count; i++) {
                int port = ports.next();
                Map<String, String> env = new LinkedHashMap<>(environment);
                env.put("PORT", Integer.toString(port));
                env.put("CUTOVER_VERSION", command.version());
                env.put("CUTOVER_SLOT", command.slot());
                env.put("CUTOVER_INSTANCE", Integer.toString(i));
                env.put("CUTOVER_INSTANCES", Integer.toString(count));
                Path log = config.workDir().resolve("logs").resolve(SlotRegistry.safe(t.application() + "-"
                        + t.environment() + "-" + command.slot() + "-" + command.version() + (count > 1 ? "-" + i : ""))
                        + ".log").toAbsolutePath();
                LocalProcesses.Spawned started = LocalProcesses.spawn(launch.command(port), env, log, config.detach(),
                        launch.directory());
                processes.add(started);
                members.add(new SlotInstance.Member("http://127.0.0.1:" + port, started.pid(), port,
                        LocalProcesses.startMs(started.pid())));
                spawned.accept(instance(command, members, count, startedAt));
                LOG.infof("Started %s %s in slot %s (instance %d of %d): pid %d, port %d, log %s (deployment %s)", t,
                        command.version(), command.slot(), i, count, started.pid(), port, log,
                        command.meta().deploymentId());
            }
            for (int i = 0; i < count; i++) {
                SlotInstance.Member member = members.get(i);
                LocalProcesses.awaitReady(processes.get(i), () -> LocalProcesses.accepts(member.port()),
                        config.startTimeout(), "instance " + command.version()
                                + (count > 1 ? " " + (i + 1) + " of " + count : "") + " (pid " + member.pid() + ")");
            }
        } catch (ProvisioningException | RuntimeException e) {
            // one member that does not come up fails the slot: none of its members keeps running
            LocalProcesses.stopAll(processes.stream().map(LocalProcesses.Spawned::pid).toList(), Duration.ZERO);
            throw e;
        }
        return instance(command, members, count, startedAt);
    }

    /** How the members of a slot start: the words for a port, and the folder they run in (null: the provisioner's). */
    record Launch(java.util.function.IntFunction<List<String>> words, Path directory) {
        List<String> command(int port) {
            return words.apply(port);
        }
    }

    private Launch launch(ProvisionSlot command, Path artifact) throws ProvisioningException {
        String name = artifact.getFileName().toString();
        String appCommand = command.command();
        if (appCommand != null) {
            try {
                AppCommand.words(appCommand);
            } catch (IllegalArgumentException e) {
                throw ProvisioningException.configuration(e.getMessage());
            }
        }
        if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
            if (appCommand == null) {
                throw ProvisioningException.configuration("artifact " + name + " is an archive: app.command must say "
                        + "how to start it (e.g. python3 app.py --port {port})");
            }
            Path folder = unpack(command, artifact);
            return new Launch(port -> inFolder(AppCommand.resolve(appCommand, port, artifact.toString()), folder),
                    folder);
        }
        if (appCommand != null) {
            return new Launch(port -> AppCommand.resolve(appCommand, port, artifact.toString()), null);
        }
        if (name.endsWith(".jar")) {
            List<String> java = LocalProcesses.javaCommand(config.java(), config.javaOptions(), artifact);
            return new Launch(port -> java, null);
        }
        if (!Files.isExecutable(artifact)) {
            throw ProvisioningException.configuration("artifact " + artifact + " is neither a jar nor executable nor a "
                    + ".tar.gz (an other file needs app.command)");
        }
        return new Launch(port -> List.of(artifact.toString()), null);
    }

    /** The first word as a file of the unpacked folder when it names one there ({@code bin/server}, {@code run.sh}). */
    private static List<String> inFolder(List<String> words, Path folder) {
        Path first = Path.of(words.get(0));
        if (first.isAbsolute() || !Files.isRegularFile(folder.resolve(first))) {
            return words;
        }
        List<String> resolved = new ArrayList<>(words);
        resolved.set(0, folder.resolve(first).normalize().toString());
        return resolved;
    }

    /**
     * {@code <work-dir>/instances/<app>-<env>-<slot>}, emptied (whatever ran there before was stopped before this
     * start), with the archive unpacked in it by {@code tar} (which keeps members inside the folder).
     */
    private Path unpack(ProvisionSlot command, Path archive) throws ProvisioningException {
        Target t = command.target();
        Path folder = config.workDir().resolve("instances")
                .resolve(SlotRegistry.safe(t.application() + "-" + t.environment() + "-" + command.slot()))
                .toAbsolutePath();
        try {
            if (Files.exists(folder)) {
                try (java.util.stream.Stream<Path> walk = Files.walk(folder)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(folder);
            Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", folder.toString(),
                    "--no-same-owner").redirectErrorStream(true).start();
            String output = new String(tar.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!tar.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || tar.exitValue() != 0) {
                tar.destroyForcibly();
                throw ProvisioningException.configuration("artifact " + archive.getFileName()
                        + " cannot be unpacked: " + output.strip());
            }
        } catch (java.io.IOException e) {
            throw new ProvisioningException("cannot unpack " + archive.getFileName() + " into " + folder + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("interrupted while unpacking " + archive.getFileName(), e);
        }
        LOG.infof("Unpacked %s into %s", archive.getFileName(), folder);
        return folder;
    }

    private static SlotInstance instance(ProvisionSlot command, List<SlotInstance.Member> members, int count,
                                         long startedAt) {
        return SlotInstance.of(command.slot(), command.version(), command.meta().deploymentId(),
                "local:" + members.stream().map(m -> Long.toString(m.pid())).collect(Collectors.joining(",")),
                List.copyOf(members), count, startedAt);
    }

    /**
     * While any member runs: a slot that lost a member is degraded, not gone. It still serves (the router passes
     * over the member that no longer accepts connections), and it must stay on record so that releasing it stops
     * the members still running.
     */
    @Override
    public boolean alive(SlotInstance instance) {
        return instance.members().stream().anyMatch(m -> LocalProcesses.alive(m.pid(), m.processStartMs()));
    }

    /** Every member runs and accepts connections: a degraded slot is not ready (it no longer runs what was asked). */
    @Override
    public void awaitReady(SlotInstance instance) throws ProvisioningException {
        if (instance.members().size() < instance.instances()) {
            throw new ProvisioningException("instance " + instance.instanceId() + ": only " + instance.members().size()
                    + " of its " + instance.instances() + " members were started (the provisioner stopped while "
                    + "starting it)");
        }
        long deadline = System.nanoTime() + config.startTimeout().toNanos();
        for (SlotInstance.Member member : instance.members()) {
            while (!LocalProcesses.accepts(member.port())) {
                if (!LocalProcesses.alive(member.pid(), member.processStartMs()) || System.nanoTime() > deadline) {
                    throw new ProvisioningException("instance " + instance.instanceId() + ": member pid " + member.pid()
                            + " does not accept connections on port " + member.port() + " ("
                            + instance.members().size() + " member(s))");
                }
                LocalProcesses.pause(50);
            }
        }
    }

    /** Stops every member still running, all at once (each gets the grace period, not one after the other). */
    @Override
    public void stop(SlotInstance instance) {
        LocalProcesses.stopAll(instance.members().stream()
                .filter(m -> LocalProcesses.alive(m.pid(), m.processStartMs()))
                .map(SlotInstance.Member::pid).toList(), config.stopTimeout());
    }

    /** Instances run the provisioner's verified copy of the artifact ({@code ArtifactStore}), not the original. */
    @Override
    public boolean runsLocalCopy() {
        return true;
    }

    /** {@code file:/path/x.jar}, {@code file:///path/x.jar} or a plain path. */
    public static Path artifactPath(String artifact) throws ProvisioningException {
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
