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
import java.nio.file.Files;
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
 * startup, so a restarted provisioner can still stop what it started.
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
