package dev.cutover.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One process of the local stack: its output is copied to a log file, and readiness is either a
 * line it prints or an HTTP URL that answers 200.
 */
public final class ChildProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final List<String> command;
    private final Path log;
    private final Path workingDir;
    private Process process;
    private final CompletableFuture<String> readyLine = new CompletableFuture<>();
    private String readyPrefix;
    private final java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();

    public ChildProcess(String name, List<String> command, Path workingDir, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.workingDir = workingDir;
        this.log = log;
    }

    /** Extra environment variables of the process (on top of this JVM's), before {@link #start}. */
    public ChildProcess environment(java.util.Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    /** Starts the process; {@code readyPrefix} (may be null) is the start of the line that says it is ready. */
    public ChildProcess start(String readyPrefix) {
        this.readyPrefix = readyPrefix;
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
        Thread pump = new Thread(this::pumpOutput, name + "-output");
        pump.setDaemon(true);
        pump.start();
        return this;
    }

    private void pumpOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (readyPrefix != null && !readyLine.isDone() && line.startsWith(readyPrefix)) {
                    readyLine.complete(line);
                }
            }
        } catch (IOException e) {
            // the process is gone; whoever waits for it sees that
        }
        readyLine.completeExceptionally(new IllegalStateException(name + " exited before it was ready"));
    }

    /** Waits for the ready line and returns it. */
    public String awaitReadyLine(Duration timeout) {
        try {
            return readyLine.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw failure("did not print '" + readyPrefix + "' within " + timeout.toSeconds() + " s");
        } catch (Exception e) {
            throw failure(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        }
    }

    /** Polls {@code url} until it answers 200. */
    public void awaitHttpOk(URI url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw failure("exited with " + process.exitValue() + " before it was ready");
            }
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted");
            }
            pause(100);
        }
        throw failure(url + " did not answer 200 within " + timeout.toSeconds() + " s");
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, as a crash would. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
    }

    /** SIGTERM, then SIGKILL if it does not stop in time. */
    public void stop(Duration grace) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(grace)) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(5));
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Last lines of the log, for error messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size())));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private IllegalStateException failure(String what) {
        return new IllegalStateException(name + " " + what + "; log " + log + ":\n" + tail(30));
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
