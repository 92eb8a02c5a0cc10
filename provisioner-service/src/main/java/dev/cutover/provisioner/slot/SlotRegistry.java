package dev.cutover.provisioner.slot;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cutover.events.Target;
import dev.cutover.provisioner.config.ProvisionerConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Slots per target, persisted to {@code <state-dir>/<app>-<env>.json} on every change and reloaded at
 * startup, so a restarted provisioner can still stop what it started. Replicas on one host share the state dir: each
 * command's target is read again from its file first ({@link #reload}), so the replica that took a target over works
 * on what the previous owner recorded (and can stop what it started). Router ports from the pool are handed out
 * under a lock file in the state dir, against the ports every target's file keeps.
 */
@Singleton
public class SlotRegistry {

    private static final Logger LOG = Logger.getLogger(SlotRegistry.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final Path stateDir;
    private final Map<String, TargetState> states = new ConcurrentHashMap<>();

    @Inject
    public SlotRegistry(ProvisionerConfig config) {
        this(config.local().workDir().resolve("state"));
    }

    public SlotRegistry(Path stateDir) {
        this.stateDir = stateDir.toAbsolutePath();
    }

    /** Reads every persisted target, dropping instances that {@code alive} says are gone. */
    public synchronized void load(Predicate<SlotInstance> alive) {
        if (!Files.isDirectory(stateDir)) {
            return;
        }
        try (Stream<Path> files = Files.list(stateDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                TargetState state = JSON.readValue(file.toFile(), TargetState.class);
                TargetState live = state;
                for (SlotInstance instance : state.slots().values()) {
                    if (!alive.test(instance)) {
                        LOG.infof("Slot %s of %s/%s (%s) is no longer running: dropped", instance.slot(),
                                state.application(), state.environment(), instance.instanceId());
                        live = live.withoutSlot(instance.slot());
                    }
                }
                Target target = new Target(state.application(), state.environment());
                states.put(target.key(), live);
                if (live != state) {
                    write(target, live);
                }
                LOG.infof("Loaded %s: router port %s, slots %s", target, live.routerPort(), live.slots().keySet());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the slot registry in " + stateDir, e);
        }
    }

    /**
     * The target's state as its file says (a replica that takes a target over, or any command's start: another
     * replica on this host may have changed it); unchanged when there is no file.
     */
    public synchronized TargetState reload(Target target) {
        Path file = file(target);
        if (!Files.isRegularFile(file)) {
            return state(target);
        }
        try {
            TargetState read = JSON.readValue(file.toFile(), TargetState.class);
            states.put(target.key(), read);
            return read;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * The target's router port: the one it keeps, else a new one from {@code pool} (two consecutive free ports: the
     * router's and its admin API's) that no other target's file keeps, recorded before it is returned, so every
     * later deployment of the target gets it again. Under a lock file, so replicas sharing the state dir never hand
     * out one port twice.
     */
    public TargetState routerPortFromPool(Target target, PortPool pool) throws ProvisioningException {
        synchronized (SlotRegistry.class) { // a FileLock is per process: threads of one JVM queue here
            try {
                Files.createDirectories(stateDir);
                try (FileChannel channel = FileChannel.open(stateDir.resolve(".router-ports.lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = channel.lock()) {
                    TargetState current = reload(target);
                    if (current.routerPort() != null && current.routerPort() > 0) {
                        return current;
                    }
                    Set<Integer> kept = keptRouterPorts(target);
                    int port = pool.next(2, kept::contains);
                    LOG.infof("Router port %d (admin %d) from the pool for %s", port, port + 1, target);
                    return update(target, s -> s.withRouter(port, null));
                }
            } catch (IOException e) {
                throw new ProvisioningException("cannot allocate a router port for " + target + ": " + e, e);
            }
        }
    }

    /** Threads of this JVM that hold (or wait for) a target's lock file: a FileLock is per process. */
    private static final Map<String, java.util.concurrent.locks.ReentrantLock> TARGET_LOCKS = new ConcurrentHashMap<>();

    /**
     * Runs {@code work} holding the target's lock file ({@code <state-dir>/.<app>-<env>.lock}): a replica that was
     * given a target while another replica on this host still works on one of its commands (a rebalance, not a
     * death) waits for that command to finish, then reads what it recorded. A dead replica's lock is gone with it.
     */
    public <T> T underTargetLock(Target target, java.util.function.Supplier<T> work) {
        Path lockFile = stateDir.resolve("." + safe(target.application()) + "-" + safe(target.environment()) + ".lock");
        java.util.concurrent.locks.ReentrantLock local = TARGET_LOCKS.computeIfAbsent(lockFile.toString(),
                k -> new java.util.concurrent.locks.ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(stateDir);
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                return work.get();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        } finally {
            local.unlock();
        }
    }

    /** Every port (traffic and admin) a target other than {@code except} keeps, as their files say. */
    private Set<Integer> keptRouterPorts(Target except) throws IOException {
        Set<Integer> kept = new HashSet<>();
        try (Stream<Path> files = Files.list(stateDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json") && !f.equals(file(except))).toList()) {
                try {
                    TargetState other = JSON.readValue(file.toFile(), TargetState.class);
                    if (other.routerPort() != null) {
                        kept.add(other.routerPort());
                        kept.add(other.routerPort() + 1);
                    }
                } catch (IOException e) {
                    LOG.warnf("Cannot read %s while choosing a router port: %s", file, e.getMessage());
                }
            }
        }
        return kept;
    }

    public TargetState state(Target target) {
        return states.getOrDefault(target.key(), TargetState.empty(target.application(), target.environment()));
    }

    public Optional<SlotInstance> instance(Target target, String slot) {
        return Optional.ofNullable(state(target).slots().get(slot));
    }

    /** Applies a change and persists it before returning. */
    public synchronized TargetState update(Target target, UnaryOperator<TargetState> change) {
        TargetState next = change.apply(state(target));
        states.put(target.key(), next);
        write(target, next);
        return next;
    }

    public List<TargetState> all() {
        return new ArrayList<>(states.values());
    }

    /** Instances running over all targets: every member of every slot (a slot of three instances counts three). */
    public int instanceCount() {
        return states.values().stream().flatMap(s -> s.slots().values().stream())
                .mapToInt(i -> Math.max(1, i.members().size())).sum();
    }

    public Path file(Target target) {
        return stateDir.resolve(safe(target.application()) + "-" + safe(target.environment()) + ".json");
    }

    private void write(Target target, TargetState state) {
        Path file = file(target);
        try {
            Files.createDirectories(stateDir);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), state);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
