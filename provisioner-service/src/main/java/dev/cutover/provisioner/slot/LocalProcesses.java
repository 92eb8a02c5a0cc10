package dev.cutover.provisioner.slot;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** OS processes of the local provider (instances and routers): start detached, wait for ready, stop. */
public final class LocalProcesses {

    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final int TAIL_LINES = 15;
    /**
     * Credentials of the provisioner itself that a child must not inherit: the local secret store's variables
     * (see LocalSecretStore) and the secrets DefaultAzureCredential reads. A child gets a secret only when its
     * ProvisionSlot references it.
     */
    private static final String SECRET_STORE_PREFIX = "CUTOVER_SECRET_";
    private static final Set<String> AZURE_CREDENTIALS = Set.of("AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH",
            "AZURE_CLIENT_CERTIFICATE_PASSWORD", "AZURE_USERNAME", "AZURE_PASSWORD", "AZURE_FEDERATED_TOKEN_FILE");

    private LocalProcesses() {
    }

    /** A started process and where its output goes ({@code logOffset}: where this run's output begins). */
    public record Spawned(Process process, Path log, long logOffset) {
        public long pid() {
            return process.pid();
        }
    }

    /** {@code java <options> -jar <jar>} with the given executable (default: this JVM's). */
    public static List<String> javaCommand(Optional<String> java, String options, Path jar) {
        List<String> command = new ArrayList<>();
        command.add(java.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        Arrays.stream(options.trim().split("\\s+")).filter(s -> !s.isEmpty()).forEach(command::add);
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }

    /**
     * Starts {@code command} with stdin from /dev/null and stdout+stderr appended to {@code log}. Detached
     * processes get their own session, so signals meant for the provisioner (Ctrl-C) never reach them. The
     * child's environment: the provisioner's minus its credentials, plus {@code environment}.
     */
    public static Spawned spawn(List<String> command, Map<String, String> environment, Path log, boolean detach)
            throws ProvisioningException {
        return spawn(command, environment, log, detach, null);
    }

    /** {@link #spawn(List, Map, Path, boolean)} in {@code directory} (null: the provisioner's working directory). */
    public static Spawned spawn(List<String> command, Map<String, String> environment, Path log, boolean detach,
                                Path directory) throws ProvisioningException {
        List<String> full = new ArrayList<>();
        if (detach && Files.isExecutable(SETSID)) {
            full.add(SETSID.toString()); // execs the command: same pid (the child is no group leader)
        }
        full.addAll(command);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "=== " + Instant.now() + " " + String.join(" ", command) + System.lineSeparator(),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            long offset = Files.size(log);
            ProcessBuilder builder = new ProcessBuilder(full)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true);
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            builder.environment().keySet().removeIf(LocalProcesses::provisionerCredential);
            builder.environment().putAll(environment);
            return new Spawned(builder.start(), log, offset);
        } catch (IOException e) {
            throw new ProvisioningException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** Is this variable of the provisioner's own environment a credential its children must not inherit? */
    public static boolean provisionerCredential(String variable) {
        return variable.startsWith(SECRET_STORE_PREFIX) || AZURE_CREDENTIALS.contains(variable);
    }

    /** Waits until {@code ready}; if the process exits or time runs out it is killed and the reason has its log tail. */
    public static void awaitReady(Spawned spawned, BooleanSupplier ready, Duration timeout, String what)
            throws ProvisioningException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!spawned.process().isAlive()) {
                throw new ProvisioningException(what + " exited with code " + exitCode(spawned.process())
                        + " before it was ready" + tailOf(spawned));
            }
            if (ready.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                stop(spawned.pid(), Duration.ZERO);
                throw new ProvisioningException(what + " was not ready within " + timeout.toMillis() + " ms"
                        + tailOf(spawned));
            }
            pause(50);
        }
    }

    /** Does something accept TCP connections on 127.0.0.1:port? */
    public static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** When the process started (ms), to tell it from a later process that got the same pid. */
    public static Long startMs(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(Instant::toEpochMilli).orElse(null);
    }

    public static boolean alive(Long pid, Long startMs) {
        if (pid == null) {
            return false;
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> startMs == null
                || h.info().startInstant().map(i -> Math.abs(i.toEpochMilli() - startMs) < 1000).orElse(true))
                .orElse(false);
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL. Returns once the process is gone (or after 5 s more). */
    public static void stop(long pid, Duration grace) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return;
        }
        ProcessHandle h = handle.get();
        try {
            if (!grace.isZero()) {
                h.destroy();
                try {
                    h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                } catch (java.util.concurrent.TimeoutException e) {
                    // falls through to kill
                }
            }
            h.destroyForcibly();
            h.onExit().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // gone or not ours: nothing more to do
        }
    }

    /**
     * {@link #stop} for several processes at once: SIGTERM to all, one grace period for all, then SIGKILL to the
     * ones left. Returns once they are gone (or after 5 s more).
     */
    public static void stopAll(List<Long> pids, Duration grace) {
        List<ProcessHandle> handles = pids.stream().map(ProcessHandle::of).flatMap(Optional::stream).toList();
        if (!grace.isZero()) {
            handles.forEach(ProcessHandle::destroy);
            long deadline = System.nanoTime() + grace.toNanos();
            for (ProcessHandle h : handles) {
                awaitExit(h, Math.max(0, deadline - System.nanoTime()));
            }
        }
        handles.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle h : handles) {
            awaitExit(h, Math.max(0, deadline - System.nanoTime()));
        }
    }

    private static void awaitExit(ProcessHandle h, long nanos) {
        try {
            h.onExit().get(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // still running (the caller kills it) or not ours
        }
    }

    private static int exitCode(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String tailOf(Spawned spawned) {
        String tail = tail(spawned.log(), spawned.logOffset());
        return tail.isBlank() ? " (no output, log " + spawned.log() + ")"
                : "; last lines of " + spawned.log().getFileName() + ":\n" + tail;
    }

    /** The last lines written to {@code log} from {@code offset} on. */
    public static String tail(Path log, long offset) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(offset, file.length() - 4096);
            file.seek(start);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.readFully(bytes);
            List<String> lines = List.of(new String(bytes, StandardCharsets.UTF_8).split("\\R"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())).strip();
        } catch (IOException e) {
            return "";
        }
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
